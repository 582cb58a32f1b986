-- Tests of dues.stripe_event_apply (and dues.webhook_match, dues.webhook_amount, dues.webhook_payment,
-- dues.webhook_refund, dues.webhook_notify): what each Stripe event does.

create or replace function tests.test_stripe_event_apply__matches_by_customer_id_then_e_mail_never_guessed()
returns setof text
language plpgsql
as $$
declare
    v_ann      bigint := tests.fx_member('Ann');
    v_bob      bigint := tests.fx_member('Bob');
    v_customer text := tests.fx_ref('cus_');
    v_event    dues.webhook_event;
begin
    v_event := tests.fx_stripe_paid(tests.fx_email(v_ann), 1000, null, v_customer);
    return next is(v_event.member_id, v_ann, 'by e-mail (any case) when no member holds the customer id');
    return next is((select member_id from dues.member_provider_ref where ref = v_customer), v_ann, 'the customer id is the member''s now');
    v_event := tests.fx_stripe_paid(tests.fx_email(v_bob), 500, null, v_customer);
    return next is(v_event.member_id, v_ann, 'the customer id comes before the e-mail');
    v_event := tests.fx_stripe_paid('nobody' || v_ann || '@example.org', 500);
    return next is(v_event.state, 'unmatched', 'nobody has the e-mail: unmatched');
    perform api.member_provider_ref_add(v_bob, 'stripe', (v_event.refs)[1]);
    return next is((tests.fx_webhook_event('stripe', v_event.event_id)).state, 'processed', 'matched again once staff gives its customer id');
    perform tests.fx_webhook('stripe', tests.fx_stripe_event(tests.fx_ref('evt_'), 'invoice.paid',
        jsonb_build_object('id', tests.fx_ref('in_'), 'customer', v_customer, 'subscription', (v_event.refs)[1], 'amount_paid', 100,
                           'currency', 'usd', 'payment_intent', tests.fx_ref('pi_'))));
    return next is((select state from dues.webhook_event order by id desc limit 1), 'ambiguous', 'ids of two members: ambiguous');
    return next is(tests.fx_member_balance(v_ann) + tests.fx_member_balance(v_bob), 20.00::numeric, 'and no money moved for it');
end
$$;

create or replace function tests.test_stripe_event_apply__invoice_paid_pays_and_the_refund_and_dispute_take_it_back()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_pi     text := tests.fx_ref('pi_');
    v_event  dues.webhook_event;
begin
    perform tests.fx_webhook('stripe', tests.fx_stripe_event(tests.fx_ref('evt_'), 'invoice.paid',
        jsonb_build_object('id', tests.fx_ref('in_'), 'customer_email', tests.fx_email(v_member), 'amount_paid', 3000,
                           'currency', 'usd', 'payment_intent', v_pi, 'subscription', tests.fx_ref('sub_'))));
    return next is(tests.fx_member_balance(v_member), 30.00::numeric, 'invoice.paid registers amount_paid');
    return next is((select method from dues.payment where external_ref = v_pi), 'stripe', 'as a stripe payment keyed by its PaymentIntent');
    return next ok(tests.fx_in_group(v_member, 'members'), 'a first payment moves the member to members');
    perform tests.fx_webhook('stripe', tests.fx_stripe_event(tests.fx_ref('evt_'), 'charge.refunded',
        jsonb_build_object('id', tests.fx_ref('ch_'), 'payment_intent', v_pi, 'amount_refunded', 1000, 'currency', 'usd')));
    return next is(tests.fx_member_balance(v_member), 20.00::numeric, 'charge.refunded gives back what was refunded');
    perform tests.fx_webhook('stripe', tests.fx_stripe_event(tests.fx_ref('evt_'), 'charge.refunded',
        jsonb_build_object('id', tests.fx_ref('ch_'), 'payment_intent', v_pi, 'amount_refunded', 1500, 'currency', 'usd')));
    return next is(tests.fx_member_balance(v_member), 15.00::numeric, 'amount_refunded is what was refunded in all: the rest goes');
    perform tests.fx_webhook('stripe', tests.fx_stripe_event(tests.fx_ref('evt_'), 'charge.dispute.created',
        jsonb_build_object('id', tests.fx_ref('dp_'), 'charge', tests.fx_ref('ch_'), 'payment_intent', v_pi, 'amount', 3000,
                           'currency', 'usd')));
    return next is(tests.fx_member_balance(v_member), 0.00::numeric, 'a dispute takes back what is left, no more');
    return next is((select sum(r.amount) from dues.refund r join dues.payment p on p.id = r.payment_id where p.external_ref = v_pi),
                   30.00::numeric, 'through refunds of the payment');
    return next is_empty('select * from api.ledger_check()', 'the ledger balances');
end
$$;

create or replace function tests.test_stripe_event_apply__failures_and_cancellations_queue_ipns_messages()
returns setof text
language plpgsql
as $$
declare
    v_member   bigint := tests.fx_member();
    v_customer text := tests.fx_ref('cus_');
begin
    perform api.member_provider_ref_add(v_member, 'stripe', v_customer);
    perform tests.fx_webhook('stripe', tests.fx_stripe_event(tests.fx_ref('evt_'), 'invoice.payment_failed',
        jsonb_build_object('id', tests.fx_ref('in_'), 'customer', v_customer, 'amount_due', 1000, 'currency', 'usd')));
    return next is((select data ->> 'processor' from tests.fx_outbox('payment_failed', tests.fx_email(v_member))), 'Stripe',
                   'invoice.payment_failed: payment_failed to the member, naming Stripe');
    perform tests.fx_webhook('stripe', tests.fx_stripe_event(tests.fx_ref('evt_'), 'customer.subscription.deleted',
        jsonb_build_object('id', tests.fx_ref('sub_'), 'customer', v_customer)));
    return next is((select count(*) from tests.fx_outbox('subscr_cancel_confirm', tests.fx_email(v_member))), 1::bigint,
                   'customer.subscription.deleted: subscr_cancel_confirm to the member');
    perform tests.fx_webhook('stripe', tests.fx_stripe_event(tests.fx_ref('evt_'), 'customer.created', jsonb_build_object('id', v_customer)));
    return next is((select state from dues.webhook_event order by id desc limit 1), 'ignored', 'another type is recorded, no effect');
    return next throws_ok($q$select * from dues.webhook_amount('12.5', 'usd', true)$q$, 'DU605',
                          'amount 12.5 is not a whole number of minor units', 'minor units are whole numbers');
    return next throws_ok($q$select * from dues.webhook_amount('100', 'xyz', true)$q$, 'DU021', null, 'an unknown currency');
    return next is((select amount from dues.webhook_amount('100', 'jpy', true)), 100::numeric, 'a currency without decimals');
end
$$;
