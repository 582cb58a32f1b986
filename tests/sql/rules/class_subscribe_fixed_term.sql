-- Tests of rule fixed_term (rules.class_subscribe_fixed_term).

create or replace function tests.test_class_subscribe_fixed_term__charges_a_term_from_the_start_date()
returns setof text
language plpgsql
as $$
begin
    return next is(rules.class_subscribe_fixed_term(1, 1, '{"price": 120, "months": 12}', '{"start_date": "2027-04-01"}', '2027-03-15'),
                   row(120, '2027-04-01', '2028-03-31')::dues.rule_result,
                   'twelve months from 1 April end on 31 March');
    return next is(rules.class_subscribe_fixed_term(1, 1, '{"price": 10, "months": 1}', '{}', '2027-03-15'),
                   row(10, '2027-03-15', '2027-04-14')::dues.rule_result,
                   'without a start date the term starts today');
    return next is(rules.class_subscribe_fixed_term(1, 1, '{"price": 10, "months": 1}', '{"start_date": "2027-03-15"}', '2027-03-15'),
                   row(10, '2027-03-15', '2027-04-14')::dues.rule_result,
                   'today is not in the past');
end
$$;

create or replace function tests.test_class_subscribe_fixed_term__refuses_a_start_in_the_past()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok(
        $q$select rules.class_subscribe_fixed_term(1, 1, '{"price": 10, "months": 1}', '{"start_date": "2027-03-14"}', '2027-03-15')$q$,
        'DU012', 'start_date 2027-03-14 is in the past (today is 2027-03-15)', 'yesterday is refused');
end
$$;
