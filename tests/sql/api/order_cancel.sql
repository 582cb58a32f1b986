-- Tests of api.order_cancel.

create or replace function tests.test_order_cancel__cancels_an_opened_order()
returns setof text
language plpgsql
as $$
declare
    v_order  bigint := tests.fx_order(tests.fx_member(), tests.fx_class('single_payment', '{"price": 8}'));
    v_result dues.subscription_order;
begin
    perform set_config('dues.actor', 'member-self-service', true);
    v_result := api.order_cancel(v_order);
    return next is(v_result.state, 'cancelled'::dues.order_state, 'the order is cancelled');
    return next is(v_result.cancelled_by, 'member-self-service', 'who cancelled it is recorded');
end
$$;

create or replace function tests.test_order_cancel__releases_a_confirmed_orders_credit()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_confirmed_order(v_member, tests.fx_class('single_payment', '{"price": 25}'));
    v_moves  bigint := tests.fx_ledger_transactions();
begin
    return next is((select available from api.member_balance(v_member)), 0::numeric(14,2), 'the confirmed order holds the credit');
    perform api.order_cancel(v_order);
    return next is(tests.fx_order_state(v_order), 'cancelled', 'a confirmed order can be cancelled');
    return next results_eq(format('select balance, reserved, available from api.member_balance(%s)', v_member),
                           $q$values (25::numeric(14,2), 0::numeric(14,2), 25::numeric(14,2))$q$,
                           'the credit stays with the member and is available again');
    return next is(tests.fx_ledger_transactions(), v_moves, 'no money moved');
end
$$;

create or replace function tests.test_order_cancel__refuses_a_closed_or_cancelled_order()
returns setof text
language plpgsql
as $$
declare
    v_member    bigint := tests.fx_member();
    v_class     bigint := tests.fx_class();
    v_cancelled bigint := tests.fx_order(v_member, v_class);
    v_closed    bigint := tests.fx_confirmed_order(v_member, v_class);
    v_before    jsonb;
begin
    perform api.order_cancel(v_cancelled);
    perform api.class_subscription_confirm(v_closed);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.order_cancel(%s)', v_cancelled),
                          'DU031', null,
                          'an order cannot be cancelled twice');
    return next throws_ok(format('select api.order_cancel(%s)', v_closed),
                          'DU031', null,
                          'a closed order (a subscription) cannot be cancelled');
    return next is(tests.fx_state(), v_before, 'the refusals changed nothing');
end
$$;

create or replace function tests.test_order_cancel__refuses_an_unknown_order()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select api.order_cancel(-1)', 'DU003', null, 'an unknown order is refused');
end
$$;
