-- Tests of dues.paypal_event_apply: PayPal's REST webhooks pay once per sale, as IPN does, and refund by sale.

create or replace function tests.test_paypal_event_apply__a_sale_pays_once_with_ipn_and_is_refunded()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_sub    text := tests.fx_ref('I-');
    v_sale   text := tests.fx_txn();
begin
    perform tests.fx_webhook('paypal', jsonb_build_object('id', tests.fx_ref('WH-'), 'event_type', 'BILLING.SUBSCRIPTION.ACTIVATED',
        'resource', jsonb_build_object('id', v_sub, 'subscriber', jsonb_build_object('email_address', tests.fx_email(v_member)))));
    return next is((select member_id from dues.member_provider_ref where ref = v_sub), v_member, 'the subscription is the subscriber''s');
    perform tests.fx_webhook('paypal', jsonb_build_object('id', tests.fx_ref('WH-'), 'event_type', 'PAYMENT.SALE.COMPLETED',
        'resource', jsonb_build_object('id', v_sale, 'state', 'completed', 'billing_agreement_id', v_sub,
                                       'amount', jsonb_build_object('total', '25.00', 'currency', 'USD'))));
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'its sale is paid');
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), v_sale));
    return next is((select count(*) from dues.payment where external_ref = v_sale), 1::bigint, 'IPN of the same sale pays nothing more');
    perform tests.fx_webhook('paypal', jsonb_build_object('id', tests.fx_ref('WH-'), 'event_type', 'PAYMENT.SALE.REFUNDED',
        'resource', jsonb_build_object('id', tests.fx_ref('R-'), 'sale_id', v_sale, 'amount', jsonb_build_object('total', '-5.00', 'currency', 'USD'))));
    return next is(tests.fx_member_balance(v_member), 20.00::numeric, 'a refund gives back its amount');
    perform tests.fx_webhook('paypal', jsonb_build_object('id', tests.fx_ref('WH-'), 'event_type', 'PAYMENT.SALE.REVERSED',
        'resource', jsonb_build_object('id', v_sale, 'state', 'reversed')));
    return next is(tests.fx_member_balance(v_member), 0.00::numeric, 'a reversal takes back the rest');
    perform tests.fx_webhook('paypal', jsonb_build_object('id', tests.fx_ref('WH-'), 'event_type', 'BILLING.SUBSCRIPTION.CANCELLED',
        'resource', jsonb_build_object('id', v_sub)));
    return next is((select data ->> 'processor' from tests.fx_outbox('subscr_cancel_confirm', tests.fx_email(v_member))), 'PayPal',
                   'a cancellation queues subscr_cancel_confirm');
    perform tests.fx_webhook('paypal', jsonb_build_object('id', tests.fx_ref('WH-'), 'event_type', 'PAYMENT.SALE.COMPLETED',
        'resource', jsonb_build_object('id', tests.fx_txn(), 'state', 'completed', 'billing_agreement_id', tests.fx_ref('I-'),
                                       'amount', jsonb_build_object('total', '25.00', 'currency', 'USD'))));
    return next is((select state from dues.webhook_event order by id desc limit 1), 'unmatched', 'a sale of an unknown subscription waits');
    return next is_empty('select * from api.ledger_check()', 'the ledger balances');
end
$$;
