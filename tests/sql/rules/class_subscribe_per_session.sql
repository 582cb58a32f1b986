-- Tests of rule per_session (rules.class_subscribe_per_session, rules.class_check_per_session).

create or replace function tests.test_class_subscribe_per_session__charges_price_times_sessions()
returns setof text
language plpgsql
as $$
declare
    c_class constant jsonb := '{"price_per_session": "12.50", "min_sessions": 4, "max_sessions": 10}';
begin
    return next is(rules.class_subscribe_per_session(1, 1, c_class, '{"sessions": 6}', '2027-03-15'),
                   row(75.00, '2027-03-15', null)::dues.rule_result,
                   '6 sessions at 12.50 cost 75.00, from today, open-ended');
    return next is((rules.class_subscribe_per_session(1, 1, c_class, '{"sessions": 4}', '2027-03-15')).amount,
                   50::numeric(14,2), 'the minimum number of sessions is accepted');
    return next is((rules.class_subscribe_per_session(1, 1, c_class, '{"sessions": 10}', '2027-03-15')).amount,
                   125::numeric(14,2), 'the maximum number of sessions is accepted');
end
$$;

create or replace function tests.test_class_subscribe_per_session__refuses_sessions_out_of_range()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_class('per_session', '{"price_per_session": 12.50, "min_sessions": 4, "max_sessions": 10}');
begin
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_class, '{"sessions": 3}'),
                          'DU012', null, 'too few sessions are refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_class, '{"sessions": 11}'),
                          'DU012', null, 'too many sessions are refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_class, '{"sessions": 2.5}'),
                          'DU012', null, 'half a session is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s)', v_member, v_class),
                          'DU010', null, 'the member must say how many sessions');
end
$$;

create or replace function tests.test_class_subscribe_per_session__refuses_a_minimum_above_maximum()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok(
        $q$select api.class_create('Climbing', 'per_session', '{"price_per_session": 12, "min_sessions": 5, "max_sessions": 4}')$q$,
        'DU012', null, 'a class whose minimum is above its maximum is refused');
end
$$;
