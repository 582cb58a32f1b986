-- Tests of rule free (rules.class_subscribe_free).

create or replace function tests.test_class_subscribe_free__costs_nothing_from_today_on()
returns setof text
language plpgsql
as $$
begin
    return next is(rules.class_subscribe_free(1, 1, '{}', '{}', '2027-03-15'),
                   row(0, '2027-03-15', null)::dues.rule_result,
                   'amount 0, starting on the day asked, open-ended');
end
$$;
