-- Tests of api.register_payment.

create or replace function tests.test_register_payment__credits_the_member_from_the_processor()
returns setof text
language plpgsql
as $$
declare
    v_member    bigint := tests.fx_member();
    v_processor bigint := (select id from dues.ledger_account where payment_method = 'paypal' and currency = 'EUR');
    v_before    numeric := tests.fx_balance(v_processor);
    v_payment   dues.payment;
begin
    v_payment := api.register_payment(v_member, 25.50, 'EUR', 'paypal', 'PP-credit-1');
    return next is(v_payment.amount, 25.50::numeric(14,2), 'the payment keeps its amount');
    return next is(v_payment.external_ref, 'PP-credit-1', 'the payment keeps its external reference');
    return next is(tests.fx_member_balance(v_member, 'EUR'), 25.50::numeric, 'the member''s EUR credit grew by the amount');
    return next is(tests.fx_balance(v_processor), v_before - 25.50, 'the PayPal EUR processor account went down by the amount');
    return next results_eq(format('select account_id, amount from dues.ledger_posting where transaction_id = %s order by amount',
                                  v_payment.ledger_transaction_id),
                           format('values (%s::bigint, -25.50::numeric(14,2)), (%s, 25.50)',
                                  v_processor, dues.member_account_find(v_member, 'EUR')),
                           'one ledger transaction from the processor to the member');
end
$$;

create or replace function tests.test_register_payment__refuses_a_zero_or_negative_amount()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.register_payment(%s, 0)', v_member),
                          'DU020', null, 'a zero payment is refused');
    return next throws_ok(format('select api.register_payment(%s, -10)', v_member),
                          'DU020', null, 'a negative payment is refused');
    return next throws_ok(format('select api.register_payment(%s, null)', v_member),
                          'DU014', null, 'a null amount is refused');
    return next is(tests.fx_state(), v_before, 'no money moved');
end
$$;

create or replace function tests.test_register_payment__refuses_a_bad_currency_method_or_member()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.register_payment(%s, 10, %L)', v_member, 'BTC'),
                          'DU021', null, 'an unknown currency is refused');
    return next throws_ok(format('select api.register_payment(%s, 10.001, %L)', v_member, 'USD'),
                          'DU023', 'amount 10.001 is not representable in USD', 'a third decimal is refused, not rounded');
    return next throws_ok(format('select api.register_payment(%s, 10.5, %L)', v_member, 'JPY'),
                          'DU023', null, 'half a yen is refused');
    return next throws_ok(format('select api.register_payment(%s, 10, %L, %L)', v_member, 'USD', 'bitcoin'),
                          'DU006', 'payment method bitcoin is unknown', 'an unknown payment method is refused');
    return next throws_ok(format('select api.register_payment(%s, 10, %L, %L, %L)', v_member, 'USD', 'paypal', ' '),
                          'DU017', null, 'a blank external reference is refused');
    return next throws_ok('select api.register_payment(-1, 10)',
                          'DU001', null, 'an unknown member is refused');
    return next is(tests.fx_state(), v_before, 'no money moved');
end
$$;

create or replace function tests.test_register_payment__returns_the_first_payment_on_a_replay()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_first  dues.payment := api.register_payment(v_member, 40, 'USD', 'paypal', 'PP-replay-1');
    v_before jsonb := tests.fx_state();
    v_again  dues.payment;
begin
    v_again := api.register_payment(v_member, 40, 'USD', 'paypal', 'PP-replay-1');
    return next is(v_again, v_first, 'the replay returns the first payment unchanged');
    return next is(tests.fx_state(), v_before, 'the replay moved no money and stored nothing');
    return next is(tests.fx_member_balance(v_member), 40::numeric, 'the member was credited once');
end
$$;

create or replace function tests.test_register_payment__refuses_a_reused_reference_with_other_content()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_first  dues.payment := api.register_payment(v_member, 40, 'USD', 'paypal', 'PP-reuse-1');
    v_before jsonb := tests.fx_state();
    v_msg    text := format('external reference PP-reuse-1 of paypal was already used for payment %s (member %s, 40.00 USD)',
                            v_first.id, v_member);
begin
    return next throws_ok(format('select api.register_payment(%s, 40, %L, %L, %L)', v_other, 'USD', 'paypal', 'PP-reuse-1'),
                          'DU050', v_msg, 'the same reference for another member is refused');
    return next throws_ok(format('select api.register_payment(%s, 41, %L, %L, %L)', v_member, 'USD', 'paypal', 'PP-reuse-1'),
                          'DU050', null, 'the same reference with another amount is refused');
    return next throws_ok(format('select api.register_payment(%s, 40, %L, %L, %L)', v_member, 'EUR', 'paypal', 'PP-reuse-1'),
                          'DU050', null, 'the same reference in another currency is refused');
    return next is(tests.fx_state(), v_before, 'no money moved');
end
$$;

create or replace function tests.test_register_payment__keeps_references_apart_per_method_and_null()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform api.register_payment(v_member, 10, 'USD', 'bank_transfer', 'REF-apart-1');
    perform api.register_payment(v_member, 10, 'USD', 'paypal', 'REF-apart-1');
    perform api.register_payment(v_member, 10, 'USD', 'paypal');
    perform api.register_payment(v_member, 10, 'USD', 'paypal');
    return next is(tests.fx_member_balance(v_member), 40::numeric,
                   'one reference under two methods, and payments without reference, are all distinct payments');
end
$$;

create or replace function tests.test_register_payment__defaults_to_the_newest_opened_orders_currency()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_eur    bigint := tests.fx_class('single_payment', '{"price": 10}', 'EUR');
begin
    -- bank_transfer first: its processor accounts come before manual's, the order every test locks them in
    return next is((api.register_payment(v_member, 5, method => 'bank_transfer')).currency, 'USD'::char(3),
                   'without orders the default currency is used');
    perform tests.fx_order(v_member, v_eur);
    return next is((api.register_payment(v_member, 10)).currency, 'EUR'::char(3), 'with an opened EUR order the payment is in EUR');
end
$$;

-- Tests of api.register_payment as billing changed it: new credit settles open invoices, oldest due first, and leaves
-- alone the credit confirmed orders reserve.

create or replace function tests.test_register_payment_settles__oldest_invoice_first()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_ids    bigint[];
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_collect(tests.fx_day(1, 18));
    v_ids := tests.fx_invoice_ids(v_member);
    perform tests.fx_pay(v_member, 45);
    return next is(tests.fx_invoice_statuses(v_member), '{paid,open}'::text[], 'the January invoice is paid first');
    return next is(tests.fx_amount_due(v_ids[2]), 15.00::numeric, 'then half of February');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'no credit is left');
    return next is((select array_agg(amount order by invoice_id) from dues.settlement where invoice_id = any (v_ids)),
                   '{30.00,15.00}'::numeric[], 'one settlement per invoice');
    perform api.register_payment(v_member, 50, 'USD', 'paypal', 'PP-settle-1');
    perform api.register_payment(v_member, 50, 'USD', 'paypal', 'PP-settle-1');
    return next is(tests.fx_member_balance(v_member), 35.00::numeric, 'a replayed payment settles nothing twice: 35.00 of credit');
end
$$;

create or replace function tests.test_register_payment_settles__keeps_credit_reserved_by_orders()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_course bigint := tests.fx_class('single_payment', '{"price": 25}');
    v_order  bigint;
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    v_order := tests.fx_confirmed_order(v_member, v_course);
    perform tests.fx_collect(tests.fx_day(1, 1));
    return next is(tests.fx_invoice_statuses(v_member), '{open}'::text[], 'the 25.00 reserved by the confirmed order did not pay the invoice');
    perform tests.fx_pay(v_member, 10);
    return next is(tests.fx_amount_due((tests.fx_invoice_ids(v_member))[1]), 20.00::numeric, 'a new payment of 10.00 did');
    return next is((api.class_subscription_confirm(v_order)).member_id, v_member, 'the order still becomes a subscription');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'with the credit it had reserved');
end
$$;

create or replace function tests.test_register_payment__membership_dues_become_the_class_revenue()
returns setof text
language plpgsql
as $$
declare
    v_dues    bigint := tests.fx_class('free');
    v_member  bigint := tests.fx_joined_member('Pia PayPal');
    v_payment dues.payment;
begin
    perform api.class_set_membership_dues(v_dues, true);
    v_payment := api.register_payment(v_member, 25, 'USD', 'paypal', 'PP-dues-1');
    return next is((select (class_id, amount)::text from dues.membership_dues_receipt where payment_id = v_payment.id),
                   (v_dues, 25.00)::text, 'a member''s payment is the membership dues class''s revenue, with a receipt');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'it leaves no credit');
    return next is((api.register_payment(v_member, 25, 'USD', 'paypal', 'PP-dues-1')).id, v_payment.id, 'a replay is the same payment');
    return next is((select count(*)::int from dues.membership_dues_receipt where member_id = v_member), 1, 'with one receipt');
    return next is(dues.ledger_balance(dues.class_account(v_dues)), 25.00::numeric, 'and the revenue counted once');
    perform api.register_payment(v_member, 25, 'EUR', 'paypal', 'PP-dues-2');
    return next is(tests.fx_member_balance(v_member, 'EUR'), 25.00::numeric, 'a currency without a membership dues class stays credit');
end
$$;
