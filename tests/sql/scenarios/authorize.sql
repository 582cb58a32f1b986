-- Tests of dues.authorize_member, dues.authorize_order and dues.authorize_staff: whose data a caller may touch,
-- directly and through the api functions that ask them. Callers are set with tests.fx_as_* (settings, no role switch).

create or replace function tests.test_authorize__lets_a_member_walk_its_own_subscription_flow()
returns setof text
language plpgsql
as $$
declare
    v_member       bigint := tests.fx_member();
    v_class        bigint := tests.fx_class('single_payment', '{"price": 30}');
    v_order        dues.subscription_order;
    v_spare        dues.subscription_order;
    v_subscription dues.class_subscription;
begin
    perform tests.fx_as_member(v_member);
    v_order := api.class_subscription_request(v_member, v_class);
    return next is(v_order.state, 'opened'::dues.order_state, 'the member opens an order for itself');
    v_spare := api.class_subscription_request(v_member, v_class);
    perform tests.fx_as_staff();
    perform tests.fx_pay(v_member, 30);
    perform tests.fx_as_member(v_member);
    return next is((api.order_confirm(v_order.id)).state, 'confirmed'::dues.order_state,
                   'once staff registered the payment, the member confirms its order');
    return next is((api.order_cancel(v_spare.id)).state, 'cancelled'::dues.order_state,
                   'the member cancels its other order');
    v_subscription := api.class_subscription_confirm(v_order.id);
    return next is(v_subscription.member_id, v_member, 'the member turns its order into its subscription');
    return next results_eq(format('select balance, reserved, available from api.member_balance(%s)', v_member),
                           $q$values (0::numeric(14,2), 0::numeric(14,2), 0::numeric(14,2))$q$,
                           'the member reads its balance: the payment was spent');
    return next results_eq(format('select class_subscription_id from api.class_subscription_list(%s)', v_member),
                           format('values (%s::bigint)', v_subscription.id),
                           'the member reads its subscriptions');
    return next is((select confirmed_by from dues.subscription_order where id = v_order.id), 'member ' || v_member,
                   'the member is recorded as who confirmed');
end
$$;

create or replace function tests.test_authorize__lets_a_manager_subscribe_its_organization()
returns setof text
language plpgsql
as $$
declare
    v_manager     bigint := tests.fx_member();
    v_contributor bigint := tests.fx_member();
    v_org         bigint := tests.fx_member('Analytical Engines Ltd', 'organization');
    v_class       bigint := tests.fx_class();
    v_order       dues.subscription_order;
begin
    perform tests.fx_organization_role(v_manager, v_org, 'manager');
    perform tests.fx_organization_role(v_contributor, v_org, 'contributor');
    perform tests.fx_as_member(v_manager);
    v_order := api.class_subscription_request(v_org, v_class);
    return next is(v_order.member_id, v_org, 'a manager opens an order for its organization');
    return next is((api.order_confirm(v_order.id)).state, 'confirmed'::dues.order_state,
                   'a manager confirms its organization''s order');
    perform tests.fx_as_member(v_contributor);
    return next throws_ok(format('select api.class_subscription_request(%s, %s)', v_org, v_class),
                          '42501', null,
                          'a contributor cannot open an order for its organization');
    return next throws_ok(format('select api.class_subscription_confirm(%s)', v_order.id),
                          '42501', null,
                          'a contributor cannot turn its organization''s order into a subscription');
    return next results_eq(format('select reserved from api.member_balance(%s)', v_org),
                           $q$values (0::numeric(14,2))$q$,
                           'a contributor reads its organization''s balance');
end
$$;
