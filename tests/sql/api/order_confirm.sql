-- Tests of api.order_confirm.

create or replace function tests.test_order_confirm__confirms_an_order_covered_by_credit()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_order(v_member, tests.fx_class('single_payment', '{"price": 30}'));
    v_result dues.subscription_order;
begin
    perform tests.fx_pay(v_member, 30);
    perform set_config('dues.actor', 'treasurer', true);
    v_result := api.order_confirm(v_order);
    return next is(v_result.state, 'confirmed'::dues.order_state, 'the order is confirmed');
    return next is(v_result.confirmed_by, 'treasurer', 'who confirmed it is recorded');
    return next ok(v_result.confirmed_at is not null, 'when it was confirmed is recorded');
    return next is(tests.fx_member_balance(v_member), 30::numeric, 'no money moved: the credit is only reserved');
end
$$;

create or replace function tests.test_order_confirm__refuses_without_credit()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_order(v_member, tests.fx_class('single_payment', '{"price": 30}'));
    v_before jsonb;
begin
    v_before := tests.fx_state();
    return next throws_ok(format('select api.order_confirm(%s)', v_order),
                          'DU030', format('member %s has 0 USD available, order %s needs 30.00', v_member, v_order),
                          'an order cannot be confirmed without any credit');
    perform tests.fx_pay(v_member, 29.99);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.order_confirm(%s)', v_order),
                          'DU030', null,
                          'an order cannot be confirmed with a cent too little');
    return next is(tests.fx_state(), v_before, 'the refused confirmation changed nothing');
    return next is(tests.fx_order_state(v_order), 'opened', 'the order stays opened');
end
$$;

create or replace function tests.test_order_confirm__counts_credit_other_confirmed_orders_reserve()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_class('single_payment', '{"price": 30}');
    v_other  bigint := tests.fx_class('single_payment', '{"price": 30}');
    v_first  bigint := tests.fx_order(v_member, v_class);
    v_second bigint := tests.fx_order(v_member, v_other);
begin
    perform tests.fx_pay(v_member, 50);
    perform api.order_confirm(v_first);
    return next throws_ok(format('select api.order_confirm(%s)', v_second),
                          'DU030', null,
                          'one credit cannot confirm two orders');
    perform tests.fx_pay(v_member, 10);
    return next is((api.order_confirm(v_second)).state, 'confirmed'::dues.order_state, 'with 10 more both orders are covered');
end
$$;

create or replace function tests.test_order_confirm__ignores_credit_in_another_currency()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_order(v_member, tests.fx_class('single_payment', '{"price": 30}', 'USD'));
begin
    perform tests.fx_pay(v_member, 100, 'EUR');
    return next throws_ok(format('select api.order_confirm(%s)', v_order), 'DU030', null,
                          'euros do not pay for a dollar order');
end
$$;

create or replace function tests.test_order_confirm__confirms_a_free_order_without_credit()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_order(v_member, tests.fx_class('free'));
begin
    return next is((api.order_confirm(v_order)).state, 'confirmed'::dues.order_state, 'an order of 0 needs no credit');
end
$$;

create or replace function tests.test_order_confirm__refuses_to_confirm_twice()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_confirmed_order(v_member, tests.fx_class('single_payment', '{"price": 5}'));
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.order_confirm(%s)', v_order),
                          'DU031', null,
                          'a confirmed order cannot be confirmed again');
    return next is(tests.fx_state(), v_before, 'the second confirmation changed nothing');
end
$$;

create or replace function tests.test_order_confirm__refuses_a_cancelled_or_closed_order()
returns setof text
language plpgsql
as $$
declare
    v_member    bigint := tests.fx_member();
    v_class     bigint := tests.fx_class();
    v_cancelled bigint := tests.fx_order(v_member, v_class);
    v_closed    bigint := tests.fx_confirmed_order(v_member, v_class);
begin
    perform api.order_cancel(v_cancelled);
    perform api.class_subscription_confirm(v_closed);
    return next throws_ok(format('select api.order_confirm(%s)', v_cancelled),
                          'DU031', null,
                          'a cancelled order cannot be confirmed');
    return next throws_ok(format('select api.order_confirm(%s)', v_closed),
                          'DU031', null,
                          'a closed order cannot be confirmed');
end
$$;

create or replace function tests.test_order_confirm__refuses_an_unknown_order()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select api.order_confirm(-1)', 'DU003', null, 'an unknown order is refused');
    return next throws_ok('select api.order_confirm(null)', 'DU014', null, 'a null order is refused');
end
$$;
