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
    return next is((select (subscriptions -> 0 ->> 'subscription_id', roles -> 0 ->> 'member_id') from api.service_order_list(v_member)),
                   (v_sub::text, v_user::text), 'the list shows its subscription and its user');
    return next throws_ok(format('select api.service_order_close(%s)', v_so.id), 'DUB15', null,
                          'a service order with a running subscription stays open');
    perform api.subscription_cancel(v_sub, tests.fx_day(1, 1));
    update dues.recurring_subscription set end_date = current_date - 1, start_date = current_date - 1, anchor_date = current_date - 1
     where class_subscription_id = v_sub;
    return next ok((api.service_order_close(v_so.id)).closed_at is not null, 'once its subscriptions ended it can be closed');
    return next is((select count(*)::int from dues.service_order_role where service_order_id = v_so.id and revoked_at is null), 0,
                   'its roles are revoked');
    return next is((api.service_order_close(v_so.id)).id, v_so.id, 'closing twice is harmless');
    return next lives_ok(format('select api.service_order_create(%s, %L)', v_member, 'main site'),
                         'a closed name can be used again');
end
$$;

create or replace function tests.test_service_orders__refuse_bad_names_and_callers()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_before jsonb;
begin
    perform api.service_order_create(v_member, 'Campaign');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.service_order_create(%s, %L)', v_member, 'campaign'), 'DU013', null,
                          'two open orders cannot share a name');
    return next throws_ok(format('select api.service_order_create(%s, %L)', v_member, ''), 'DU013', 'name must not be blank',
                          'a blank name is refused');
    return next throws_ok('select api.service_order_close(-1)', 'DUB03', 'service order -1 not found', 'an unknown order is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.service_order_create(%s, %L)', v_member, 'Mine'), '42501', null,
                          'another member cannot open one');
    return next throws_ok('select api.service_order_close(-1)', '42501', null, 'nor learn whether one exists');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;

create or replace function tests.test_service_orders__list_refuses_unknown_and_others()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
begin
    perform api.service_order_create(v_member, 'Main');
    return next throws_ok('select * from api.service_order_list(-1)', 'DU001', 'member -1 not found', 'an unknown member is refused');
    return next throws_ok('select * from api.service_order_list(null)', 'DU014', 'argument member_id is required', 'a null member is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select * from api.service_order_list(%s)', v_member), '42501', null,
                          'another member''s service orders are not shown');
    return next is_empty(format('select * from api.service_order_list(%s)', v_other), 'a member sees its own (none)');
end
$$;
