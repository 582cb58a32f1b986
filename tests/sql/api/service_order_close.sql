-- Tests of api.service_order_close.

-- Tests of service orders: api.service_order_create, api.service_order_close, api.service_order_list.

create or replace function tests.test_service_orders__hold_subscriptions_and_roles()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member('Org', 'organization');
    v_user   bigint := tests.fx_member('Uma');
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": 5, "renewal": "fixed", "periods": 1}');
    v_so     dues.service_order;
    v_sub    bigint;
begin
    v_so := api.service_order_create(v_member, '  Main site ');
    return next is((v_so.member_id, v_so.name), (v_member, 'Main site'::text), 'the service order is made, its name trimmed');
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1), jsonb_build_object('service_order_id', v_so.id));
    perform api.role_grant(v_user, 'contributor', service_order_id => v_so.id);
    return next is((select (subscriptions -> 0 ->> 'class_subscription_id', roles -> 0 ->> 'member_id') from api.service_order_list(v_member)),
                   (v_sub::text, v_user::text), 'the list shows its subscription and its user');
    return next throws_ok(format('select api.service_order_close(%s)', v_so.id), 'DUB15', null,
                          'a service order with a running subscription stays open');
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(1, 1));
    update dues.recurring_subscription set end_date = tests.fx_today() - 1, start_date = tests.fx_today() - 1, anchor_date = tests.fx_today() - 1
     where class_subscription_id = v_sub;
    return next ok((api.service_order_close(v_so.id)).closed_at is not null, 'once its subscriptions ended it can be closed');
    return next is((select count(*)::int from dues.service_order_role where service_order_id = v_so.id and revoked_at is null), 0,
                   'its roles are revoked');
    return next is((api.service_order_close(v_so.id)).id, v_so.id, 'closing twice is harmless');
    return next lives_ok(format('select api.service_order_create(%s, %L)', v_member, 'main site'),
                         'a closed name can be used again');
end
$$;
