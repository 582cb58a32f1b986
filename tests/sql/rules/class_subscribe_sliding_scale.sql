-- Tests of rule sliding_scale (rules.class_subscribe_sliding_scale, rules.class_check_sliding_scale).

create or replace function tests.test_class_subscribe_sliding_scale__charges_what_the_member_states()
returns setof text
language plpgsql
as $$
declare
    c_class constant jsonb := '{"minimum": 10, "maximum": 100}';
begin
    return next is(rules.class_subscribe_sliding_scale(1, 1, c_class, '{"amount": 35.50}', '2027-03-15'),
                   row(35.50, '2027-03-15', null)::dues.rule_result, 'the stated amount, from today, open-ended');
    return next is((rules.class_subscribe_sliding_scale(1, 1, c_class, '{"amount": 10}', '2027-03-15')).amount,
                   10::numeric(14,2), 'the minimum itself is accepted');
    return next is((rules.class_subscribe_sliding_scale(1, 1, c_class, '{"amount": "100"}', '2027-03-15')).amount,
                   100::numeric(14,2), 'the maximum itself is accepted');
end
$$;

create or replace function tests.test_class_subscribe_sliding_scale__refuses_amounts_out_of_range()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok(
        $q$select rules.class_subscribe_sliding_scale(1, 1, '{"minimum": 10, "maximum": 100}', '{"amount": 9.99}', '2027-03-15')$q$,
        'DU012', null, 'a cent below the minimum is refused');
    return next throws_ok(
        $q$select rules.class_subscribe_sliding_scale(1, 1, '{"minimum": 10, "maximum": 100}', '{"amount": 100.01}', '2027-03-15')$q$,
        'DU012', null, 'a cent above the maximum is refused');
    return next lives_ok($q$select rules.class_check_sliding_scale('{"minimum": 10, "maximum": 10}')$q$,
                         'a class with minimum = maximum is consistent');
end
$$;
