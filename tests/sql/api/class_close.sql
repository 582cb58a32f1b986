-- Tests of api.class_close: no new orders for a closed class; its subscriptions run on.

create or replace function tests.test_class_close__takes_no_new_orders_and_subscriptions_run_on()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "10.00"}');
    v_rec    bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_opened bigint := tests.fx_order(v_member, v_class);
    v_sub    bigint := tests.fx_subscribe(v_member, v_rec, tests.fx_day(1, 1));
    v_view   dues.class_view;
begin
    v_view := api.class_close(v_class, 'last term');
    return next is((v_view.open, v_view.closed_at), (false, now()), 'the class is closed');
    return next is((select why from dues.audit_log where table_name = 'class' and row_id = v_class), 'last term', 'audited with why');
    return next throws_ok(format('select api.class_subscription_request(%s, %s)', v_member, v_class), 'DU30A',
                          format('class %s is closed since %s: it takes no new orders', v_class, now()),
                          'no order is opened for it');
    perform tests.fx_pay(v_member, 10);
    return next is((api.order_confirm(v_opened)).state::text, 'confirmed', 'an order opened before may still be confirmed');
    perform api.class_close(v_rec);
    return next throws_ok(format('select api.recurring_subscription_start(%s, %s)', tests.fx_member(), v_rec), 'DU30A', null,
                          'no recurring subscription starts');
    return next is((tests.fx_collect(tests.fx_day(1, 1)) ->> 'invoices')::int, 1, 'a running subscription is still billed');
    return next is((select count(*)::int from dues.invoice_line where class_subscription_id = v_sub), 1, 'for its period');
end
$$;

create or replace function tests.test_class_close__refuses_twice_unknown_and_members()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_class();
begin
    perform api.class_close(v_class);
    return next throws_ok(format('select api.class_close(%s)', v_class), 'DU30B',
                          format('class %s was closed at %s', v_class, now()), 'a class is closed once');
    return next throws_ok('select api.class_close(987654321)', 'DU002', null, 'an unknown class');
    return next throws_ok('select api.class_close(null)', 'DU014', null, 'class_id is required');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok(format('select api.class_close(%s)', tests.fx_class()), '42501', null, 'staff only');
end
$$;
