-- Tests of the largest amount accepted (setting max_amount, dues.money_check, DU024) and of balances that cannot overflow:
-- no sequence of accepted amounts makes the ledger raise PostgreSQL's 22003 (numeric value out of range).

create or replace function tests.test_max_amount__refuses_larger_payments_refunds_charges_and_amounts()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_class   bigint := tests.fx_recurring_class();
    v_payment bigint;
    v_before  jsonb;
begin
    v_before := tests.fx_state();
    return next throws_ok(format('select api.register_payment(%s, 1000000.01)', v_member), 'DU024',
                          'amount 1000000.01 USD is above the largest amount accepted, 1000000.00 USD',
                          'a payment of 1 000 000.01 is refused by default');
    return next throws_ok(format('select api.register_payment(%s, 999999999999.99, method => %L, external_ref => %L)',
                                 v_member, 'bank_transfer', 'huge-1'),
                          'DU024', null, 'so is one that fits numeric(14,2)');
    return next throws_ok(format('select api.charge_add(%s, %s, 1000000.01, %L)', v_member, v_class, 'fee'), 'DU024', null,
                          'a charge above it is refused');
    return next throws_ok(format('select api.period_amount_set(%s, %s, 1000000.01)', v_member, v_class), 'DU024', null,
                          'a period amount above it is refused');
    return next throws_ok(format('select api.class_create(%L, %L, %L)', 'Gold', 'single_payment', '{"price": "1000000.01"}'),
                          'DU012', null, 'a price above it is not a valid money parameter');
    return next is(tests.fx_state(), v_before, 'and nothing changed');
    return next lives_ok(format('select api.register_payment(%s, 1000000.00)', v_member), 'a payment of exactly 1 000 000.00 is taken');

    v_payment := tests.fx_pay(v_member, 20.00);
    update dues.setting set value = '10' where name = 'max_amount';
    return next throws_ok(format('select api.payment_refund(%s, 20.00)', v_payment), 'DU024', null,
                          'a refund above a lowered max_amount is refused');
    return next lives_ok(format('select api.payment_refund(%s, 10.00)', v_payment), 'a refund at it is taken');
end
$$;

create or replace function tests.test_max_amount__per_currency_and_for_orders()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_session bigint := tests.fx_class('per_session', '{"price_per_session": "600000.00", "min_sessions": 1, "max_sessions": 5}');
begin
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_session, '{"sessions": 2}'),
                          'DU024', null, 'an order whose rule computes 1 200 000.00 is refused');
    return next lives_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_session, '{"sessions": 1}'),
                         'one of 600 000.00 is taken');
    update dues.setting set value = '50000' where name = 'max_amount_jpy';
    return next throws_ok(format('select api.register_payment(%s, 50001, %L)', v_member, 'JPY'), 'DU024',
                          null, 'max_amount_jpy limits yen');
    return next lives_ok(format('select api.register_payment(%s, 50000, %L)', v_member, 'JPY'), 'up to it');
    return next lives_ok(format('select api.register_payment(%s, 50001, %L)', v_member, 'USD'), 'other currencies keep max_amount');
end
$$;

create or replace function tests.test_max_amount__a_paypal_payment_above_it_fails_and_moves_nothing()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_id     bigint;
begin
    v_id := tests.fx_ipn(tests.fx_ipn_body('web_accept', tests.fx_email(v_member), tests.fx_txn(),
                                           array['mc_gross', '1000000.01']));
    return next is(tests.fx_ipn_state(v_id), 'failed', 'the notification fails');
    return next matches((select error from dues.ipn_message where id = v_id), '^DU024: ', 'with the code of the limit');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'and no money moved');
end
$$;

create or replace function tests.test_max_amount__balances_do_not_overflow()
returns setof text
language plpgsql
as $$
declare
    v_ann       bigint := tests.fx_member();
    v_bob       bigint := tests.fx_member();
    v_processor bigint := dues.processor_account('manual', 'USD');
    v_carl      bigint;
begin
    update dues.setting set value = '999999999999.99' where name = 'max_amount';
    perform tests.fx_pay(v_ann, 999999999999.99);
    perform tests.fx_pay(v_ann, 999999999999.99);
    perform tests.fx_pay(v_bob, 999999999999.99);
    return next is(tests.fx_balance(v_processor), -2999999999999.97, 'the shared processor account holds -2 999 999 999 999.97');
    return next lives_ok(format('select api.register_payment(%s, 25.00)', v_bob), 'and every later payment is still taken');
    return next is((select (balance, available) from api.member_balance(v_ann)), (1999999999999.98, 1999999999999.98),
                   'a member''s balance beyond 13 digits is shown');
    return next is((select balance from api.member_statement(v_ann) order by line desc limit 1), 1999999999999.98,
                   'as is its statement''s running balance');
    return next is((api.member_standing(v_ann)).available, 1999999999999.98, 'and its credit');
    v_carl := tests.fx_member();
    return next is((select balance::text from api.member_balance(v_carl)), '0.00', 'a zero balance keeps its cents');
end
$$;

create or replace function tests.test_max_amount__overflow_in_the_ledger_is_a_du_code()
returns setof text
language plpgsql
as $$
declare
    v_from    bigint := tests.fx_account('USD', true);
    v_to      bigint := tests.fx_account('USD');
    v_member  bigint := tests.fx_member();
    v_class   bigint := tests.fx_recurring_class();
    v_result  jsonb;
begin
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 10000000000000, %L)', v_from, v_to, 'test'), 'DU023', null,
                          'a posting beyond numeric(14,2) is DU023, not 22003');
    -- two charges at the largest amount the type allows make an invoice that no posting can hold
    update dues.setting set value = '999999999999.99' where name = 'max_amount';
    perform api.charge_add(v_member, v_class, 999999999999.99, 'first');
    perform api.charge_add(v_member, v_class, 999999999999.99, 'second');
    v_result := tests.fx_collect(tests.fx_today());
    return next is((select sqlstate from dues.collect_error where collect_run_id = (v_result ->> 'run_id')::bigint
                                                              and member_id = v_member),
                   'DU023', 'the collector records DU023 for that member and goes on');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member,
                                 tests.fx_class('per_session', '{"price_per_session": "999999999999.99", "min_sessions": 1, "max_sessions": 5}'),
                                 '{"sessions": 3}'),
                          'DU023', null, 'a rule computing an amount beyond numeric(14,2) is DU023, not 22003');
end
$$;
