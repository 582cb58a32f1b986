-- The whole subscription flow, request -> payment -> confirm -> subscription, for every registered rule
-- (the original system's subscription_rule_functions_test()).

create or replace function tests.test_subscription_rule_functions__walks_the_flow_for_each_rule()
returns setof text
language plpgsql
as $$
declare
    v_case   record;
    v_member bigint;
    v_class  bigint;
    v_order  dues.subscription_order;
    v_sub    dues.class_subscription;
begin
    create temporary table flow_case (rule text, class_params jsonb, request_params jsonb,
                                      amount numeric, start_date date, end_date date) on commit drop;
    -- a DBA adding a rule adds its line here
    insert into flow_case values
        ('free',           '{}',                                  '{}',                   0,     tests.fx_today(), null),
        ('single_payment', '{"price": "25.00"}',                  '{}',                   25,    tests.fx_today(), null),
        ('fixed_term',     '{"price": 90, "months": 3}',          jsonb_build_object('start_date', tests.fx_today() + 1),
                                                                                          90,    tests.fx_today() + 1,
                                                                                                 (tests.fx_today() + 1 + interval '3 months')::date - 1),
        ('sliding_scale',  '{"minimum": 5, "maximum": 50}',       '{"amount": 17.5}',     17.5,  tests.fx_today(), null),
        ('per_session',    '{"price_per_session": 8, "min_sessions": 1, "max_sessions": 20}',
                                                                  '{"sessions": 5}',      40,    tests.fx_today(), null),
        ('recurring',      '{"period": "month", "amount": 20, "renewal": "fixed", "periods": 3}',
                                                                  '{}',                   0,     tests.fx_today(),
                                                                                                 (tests.fx_today() + interval '3 months')::date - 1);

    return next is_empty('select name from dues.subscription_rule except select rule from flow_case',
                         'every registered rule has a case in this test');

    for v_case in select * from flow_case order by rule loop
        v_member := tests.fx_member('Flow ' || v_case.rule);
        v_class := tests.fx_class(v_case.rule, v_case.class_params);

        v_order := api.class_subscription_request(v_member, v_class, v_case.request_params);
        return next is((v_order.amount, v_order.start_date, v_order.end_date),
                       (v_case.amount::numeric(14,2), v_case.start_date, v_case.end_date),
                       v_case.rule || ': the rule priced and dated the order');

        if v_order.amount > 0 then
            return next throws_ok(format('select api.order_confirm(%s)', v_order.id), 'DU030', null,
                                  v_case.rule || ': the order cannot be confirmed before payment');
            perform api.register_payment(v_member, v_order.amount, 'USD', 'manual', 'flow-' || v_order.id);
        end if;
        return next is((api.order_confirm(v_order.id)).state, 'confirmed'::dues.order_state,
                       v_case.rule || ': the paid order is confirmed');

        v_sub := api.class_subscription_confirm(v_order.id);
        return next is(tests.fx_order_state(v_order.id), 'closed', v_case.rule || ': the order is closed');
        return next is(tests.fx_member_balance(v_member), 0::numeric, v_case.rule || ': the member''s credit was spent');
        return next is(tests.fx_balance(dues.class_account(v_class)), v_case.amount,
                       v_case.rule || ': the class received the amount');
        return next results_eq(format('select member_id from api.class_students(%s, %L)', v_class, v_case.start_date),
                               format('values (%s::bigint)', v_member),
                               v_case.rule || ': the member is a student from the first day');
        return next is((select count(*) from api.class_subscription_list(v_member) s where s.class_subscription_id = v_sub.id),
                       1::bigint, v_case.rule || ': the subscription is listed for the member');
    end loop;
end
$$;
