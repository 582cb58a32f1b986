-- Tests of api.payment_refund.

create or replace function tests.test_payment_refund__gives_unspent_credit_back()
returns setof text
language plpgsql
as $$
declare
    v_member    bigint := tests.fx_member();
    v_payment   dues.payment;
    v_refund    dues.refund;
    v_processor bigint := (select id from dues.ledger_account where payment_method = 'paypal' and currency = 'USD');
    v_before    numeric;
begin
    v_payment := api.register_payment(v_member, 50, 'USD', 'paypal', 'PP-refund-1');
    v_before := tests.fx_balance(v_processor);
    v_refund := api.payment_refund(v_payment.id, 20, 'PP-R-1', 'asked for');
    return next is((v_refund.payment_id, v_refund.amount, v_refund.external_ref), (v_payment.id, 20.00::numeric(14,2), 'PP-R-1'::text),
                   'the refund is recorded');
    return next is(tests.fx_member_balance(v_member), 30.00::numeric, 'the member has 30.00 left');
    return next is(tests.fx_balance(v_processor), v_before + 20, 'the money went back through PayPal');
    return next is(api.payment_refund(v_payment.id, 20, 'PP-R-1'), v_refund, 'a replay returns the first refund');
    return next is((api.payment_refund(v_payment.id)).amount, 30.00::numeric(14,2), 'without amount, what is left is refunded');
    return next throws_ok(format('select api.payment_refund(%s)', v_payment.id), 'DU020', null,
                          'nothing is left to refund');
end
$$;

create or replace function tests.test_payment_refund__reopens_the_invoices_it_paid()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_payment dues.payment;
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 20));
    v_payment := api.register_payment(v_member, 70, 'USD');
    return next is(tests.fx_invoice_statuses(v_member), '{paid}'::text[], 'January and February on one invoice, paid, 10.00 left');
    perform tests.fx_collect(tests.fx_day(2, 20));
    return next is(tests.fx_amount_due((tests.fx_invoice_ids(v_member))[2]), 20.00::numeric, 'the 10.00 left paid part of March');
    perform api.payment_refund(v_payment.id, 15);
    return next is(tests.fx_invoice_statuses(v_member), '{open,open}'::text[], 'the invoices the refunded credit paid reopen');
    return next is(array[tests.fx_amount_due((tests.fx_invoice_ids(v_member))[1]), tests.fx_amount_due((tests.fx_invoice_ids(v_member))[2])],
                   '{5.00,30.00}'::numeric[], 'newest due first: March gives back its 10.00, January and February 5.00');
end
$$;

create or replace function tests.test_payment_refund__refuses_bad_refunds()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_payment dues.payment := api.register_payment(tests.fx_member(), 10, 'USD', 'bank_transfer', 'BT-refund-x');
    v_before  jsonb;
begin
    perform api.payment_refund(v_payment.id, 4, 'R-1');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.payment_refund(%s, 7)', v_payment.id), 'DUB13',
                          format('payment %s has 6.00 USD left to refund, not 7', v_payment.id), 'more than what is left is refused');
    return next throws_ok(format('select api.payment_refund(%s, 5, %L)', v_payment.id, 'R-1'), 'DU050', null,
                          'a reference reused for another amount is refused');
    return next throws_ok(format('select api.payment_refund(%s, -1)', v_payment.id), 'DU020', null, 'a negative refund is refused');
    return next throws_ok(format('select api.payment_refund(%s, 0.001)', v_payment.id), 'DU023', null, 'a third decimal is refused');
    return next throws_ok('select api.payment_refund(-1)', 'DUB06', 'payment -1 not found', 'an unknown payment is refused');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.payment_refund(%s)', v_payment.id), '42501', null, 'only staff refund');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;

create or replace function tests.test_payment_refund__refuses_a_payment_recognised_as_membership_dues()
returns setof text
language plpgsql
as $$
declare
    v_dues    bigint := tests.fx_class('free');
    v_member  bigint := tests.fx_joined_member('Dee Dues');
    v_payment dues.payment;
    v_before  jsonb;
begin
    -- credit paid before the site declared its membership dues class stays credit
    perform api.register_payment(v_member, 10, 'USD', 'manual', tests.fx_ref('credit'));
    perform api.class_set_membership_dues(v_dues, true);
    v_payment := api.register_payment(v_member, 25, 'USD', 'manual', tests.fx_ref('dues'));
    return next is(tests.fx_member_balance(v_member), 10.00::numeric, 'the dues are revenue, the earlier 10.00 credit');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.payment_refund(%s, 10)', v_payment.id), 'DU734',
                          format('payment %s was recognised as membership dues: its money is the membership dues class''s revenue, '
                                 'not the member''s credit', v_payment.id),
                          'a refund of a payment recognised as dues is refused, though other credit could pay it');
    return next throws_ok(format('select api.payment_refund(%s)', v_payment.id), 'DU734', null, 'in full too');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    return next is(tests.fx_member_balance(v_member), 10.00::numeric, 'the member keeps its credit');
    return next is(dues.ledger_balance(dues.class_account(v_dues)), 25.00::numeric, 'and the class its revenue');
end
$$;
