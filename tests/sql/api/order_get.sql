-- Tests of api.order_get: one order with its class and subscription, to its member and staff.

create or replace function tests.test_order_get__answers_the_order_with_its_class_and_subscription()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_class('single_payment', '{"price": "25.00"}');
    v_order  bigint := tests.fx_confirmed_order(v_member, v_class);
    v_sub    bigint := (api.class_subscription_confirm(v_order)).id;
    v_view   dues.order_view;
begin
    v_view := api.order_get(v_order);
    return next is((v_view.id, v_view.member_id, v_view.class_id, v_view.state, v_view.amount, v_view.class_subscription_id),
                   (v_order, v_member, v_class, 'closed'::text, 25.00::numeric(14,2), v_sub),
                   'the order, its state, amount and the subscription it became');
    return next is(v_view.class_title, (select title from dues.class where id = v_class), 'with its class''s title');
    return next is(v_view.class_params, '{"price": "25.00"}'::jsonb, 'and the values it was priced with');
    return next is((v_view.opened_at, v_view.confirmed_at, v_view.closed_at, v_view.cancelled_at), (now(), now(), now(), null::timestamptz),
                   'and when each step happened');
    perform tests.fx_as_member(v_member);
    return next is((api.order_get(v_order)).id, v_order, 'a member reads its own order');
end
$$;

create or replace function tests.test_order_get__refuses_another_members_order_as_a_missing_one()
returns setof text
language plpgsql
as $$
declare
    v_order bigint := tests.fx_order(tests.fx_member(), tests.fx_class());
begin
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok(format('select api.order_get(%s)', v_order), '42501', null, 'another member''s order is refused');
    return next is(tests.fx_error(format('select api.order_get(%s)', v_order)),
                   tests.fx_error(format('select api.order_get(%s)', v_order + 1000000)), 'as one that does not exist');
    perform tests.fx_as_staff();
    return next throws_ok(format('select api.order_get(%s)', v_order + 1000000), 'DU003', null, 'staff are told it does not exist');
    return next throws_ok('select api.order_get(null)', 'DU014', null, 'order_id is required');
end
$$;
