-- Tests of rule registration (dues.subscription_rule and its guard) and of dues.rule_apply's checks on what a method returns.

create or replace function tests.test_subscription_rule__refuses_a_method_that_does_not_exist()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok(
        $q$insert into dues.subscription_rule (name, title, description, method)
           values ('ghost', 'Ghost', 'no method', 'rules.class_subscribe_ghost')$q$,
        '42883', null, 'a method name that names no function cannot be stored');
end
$$;

create or replace function tests.test_subscription_rule__refuses_a_method_with_the_wrong_signature()
returns setof text
language plpgsql
as $$
begin
    create function rules.class_subscribe_wrong(p_class_id bigint) returns dues.rule_result
        language sql set search_path = '' as 'select null::dues.rule_result';
    return next throws_ok(
        $q$insert into dues.subscription_rule (name, title, description, method)
           values ('wrong', 'Wrong', 'bad signature', 'rules.class_subscribe_wrong')$q$,
        'DU060', null, 'a method without the five agreed arguments is refused');
    return next throws_ok(
        $q$insert into dues.subscription_rule (name, title, description, method)
           values ('outside', 'Outside', 'wrong schema', 'dues.class_params')$q$,
        'DU060', null, 'a method outside schema rules is refused');
    create function rules.class_subscribe_right(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                p_request_params jsonb, p_today date)
    returns dues.rule_result language sql set search_path = '' as 'select row(0, p_today, null)::dues.rule_result';
    return next lives_ok(
        $q$insert into dues.subscription_rule (name, title, description, method)
           values ('right', 'Right', 'good signature', 'rules.class_subscribe_right')$q$,
        'a method with the agreed signature is accepted');
    return next throws_ok(
        $q$update dues.subscription_rule set class_check = 'rules.class_subscribe_wrong' where name = 'right'$q$,
        'DU060', null,
        'a class check with the wrong signature is refused');
end
$$;

create or replace function tests.test_subscription_rule__refuses_an_invalid_method_result()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint;
begin
    create function rules.class_subscribe_broken(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                 p_request_params jsonb, p_today date)
    returns dues.rule_result language sql set search_path = ''
    as $body$ select row((p_request_params ->> 'amount')::numeric, p_today, p_today - 1)::dues.rule_result $body$;
    insert into dues.subscription_rule (name, title, description, method)
    values ('broken', 'Broken', 'returns an end before its start', 'rules.class_subscribe_broken');
    insert into dues.subscription_parameter_template (rule, name, type, scope, required, description)
    values ('broken', 'amount', 'integer', 'request', true, 'anything');
    v_class := tests.fx_class('broken');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_class, '{"amount": 5}'),
                          'DU061',
                          format('rule broken returned an invalid result (5,%s,%s)', tests.fx_today(), tests.fx_today() - 1),
                          'an end date before the start date is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_class, '{"amount": -5}'),
                          'DU061', null, 'a negative amount is refused');
end
$$;
