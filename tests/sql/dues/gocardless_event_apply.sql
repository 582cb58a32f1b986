-- Tests of dues.gocardless_event_apply (and dues.gocardless_payer, dues.webhook_resource_need,
-- dues.webhook_fetch_pending, dues.webhook_fetched, dues.webhook_fetch_failed): events wait for what the GoCardless
-- API says of their payment, mandate and customer, and are processed when it arrives.

create or replace function tests.test_gocardless_event_apply__waits_for_the_api_then_pays_once()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_joined_member();
    v_payment text := tests.fx_ref('PM');
    v_mandate text := tests.fx_ref('MD');
    v_cust    text := tests.fx_ref('CU');
    v_ev      text := tests.fx_ref('EV');
    v_body    jsonb := jsonb_build_object('events', jsonb_build_array(
                           jsonb_build_object('id', v_ev, 'resource_type', 'payments', 'action', 'confirmed',
                                              'links', jsonb_build_object('payment', v_payment)),
                           jsonb_build_object('id', tests.fx_ref('EV'), 'resource_type', 'payments', 'action', 'paid_out',
                                              'links', jsonb_build_object('payment', v_payment))));
begin
    perform tests.fx_webhook('gocardless', v_body);
    return next is((tests.fx_webhook_event('gocardless', v_ev)).state, 'waiting', 'the event waits for its payment');
    return next is((tests.fx_webhook_event('gocardless', v_ev)).waiting_for, 'payments/' || v_payment, 'named');
    return next ok(exists (select from dues.webhook_fetch_pending(now(), 100) where path = 'payments/' || v_payment
                           and base_url = 'https://api.gocardless.com'), 'the worker is asked for it');
    perform dues.webhook_fetch_failed('gocardless', 'payments/' || v_payment, 'connection refused', now());
    return next is((select attempts from dues.webhook_resource where path = 'payments/' || v_payment), 1, 'a failed fetch is counted');
    return next ok((select due_at > now() from dues.webhook_resource where path = 'payments/' || v_payment), 'and retried later');
    return next is((tests.fx_webhook_event('gocardless', v_ev)).state, 'waiting', 'the event keeps waiting');
    return next is(dues.webhook_fetched('gocardless', 'payments/' || v_payment, 200, jsonb_build_object('payments',
                       jsonb_build_object('id', v_payment, 'amount', 1999, 'currency', 'EUR', 'links', jsonb_build_object('mandate', v_mandate)))),
                   2, 'the payment arrives: both events waiting for it are processed again');
    return next is((tests.fx_webhook_event('gocardless', v_ev)).waiting_for, 'mandates/' || v_mandate, 'now waiting for the mandate');
    perform dues.webhook_fetched('gocardless', 'mandates/' || v_mandate, 200,
                                 jsonb_build_object('mandates', jsonb_build_object('id', v_mandate, 'links', jsonb_build_object('customer', v_cust))));
    perform dues.webhook_fetched('gocardless', 'customers/' || v_cust, 200,
                                 jsonb_build_object('customers', jsonb_build_object('id', v_cust, 'email', upper(tests.fx_email(v_member)))));
    return next is((tests.fx_webhook_event('gocardless', v_ev)).state, 'processed', 'the customer''s e-mail names the member');
    return next is((select count(*) from dues.payment where external_ref = v_payment), 1::bigint, 'confirmed and paid_out pay once');
    return next is(tests.fx_member_balance(v_member, 'EUR'), 19.99::numeric, 'the amount and currency of the payment');
    return next is((select array_agg(ref order by ref) from dues.member_provider_ref where member_id = v_member),
                   array[v_cust, v_mandate], 'the mandate and customer are the member''s now');
    return next is_empty('select * from api.ledger_check()', 'the ledger balances');
end
$$;

create or replace function tests.test_gocardless_event_apply__charge_backs_failures_and_cancellations()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_payment text := tests.fx_ref('PM');
    v_mandate text := tests.fx_ref('MD');
    v_bad     text := tests.fx_ref('PM');
begin
    perform api.member_provider_ref_add(v_member, 'gocardless', v_mandate);
    update dues.setting set value = 'board@example.org' where name = 'board_email';
    insert into dues.webhook_resource (provider, path, body, status, fetched_at)
    values ('gocardless', 'payments/' || v_payment, jsonb_build_object('payments', jsonb_build_object('id', v_payment, 'amount', 500,
                'currency', 'GBP', 'links', jsonb_build_object('mandate', v_mandate))), 200, now()),
           ('gocardless', 'payments/' || v_bad, null, 404, now());
    perform tests.fx_webhook('gocardless', jsonb_build_object('events', jsonb_build_array(
        jsonb_build_object('id', tests.fx_ref('EV'), 'resource_type', 'payments', 'action', 'confirmed', 'links', jsonb_build_object('payment', v_payment)),
        jsonb_build_object('id', tests.fx_ref('EV'), 'resource_type', 'payments', 'action', 'charged_back', 'links', jsonb_build_object('payment', v_payment),
                           'details', jsonb_build_object('description', 'The customer disputed the payment.')),
        jsonb_build_object('id', tests.fx_ref('EV'), 'resource_type', 'payments', 'action', 'failed', 'links', jsonb_build_object('payment', v_payment)),
        jsonb_build_object('id', tests.fx_ref('EV'), 'resource_type', 'mandates', 'action', 'cancelled', 'links', jsonb_build_object('mandate', v_mandate)),
        jsonb_build_object('id', tests.fx_ref('EV'), 'resource_type', 'payments', 'action', 'confirmed', 'links', jsonb_build_object('payment', v_bad)))));
    return next is(tests.fx_member_balance(v_member, 'GBP'), 0.00::numeric, 'paid, then charged back');
    return next is((select count(*) from tests.fx_outbox('board_notice', 'board@example.org')), 3::bigint,
                   'the charge-back, the failure and the cancelled mandate tell the board');
    return next is((select count(*) from tests.fx_outbox('payment_failed', tests.fx_email(v_member))), 1::bigint, 'the failure tells the member');
    return next is((select count(*) from tests.fx_outbox('subscr_cancel_confirm', tests.fx_email(v_member))), 1::bigint,
                   'so does the cancelled mandate');
    return next is((select state from dues.webhook_event order by id desc limit 1), 'failed', 'a payment GoCardless does not know fails');
    return next is_empty('select * from api.ledger_check()', 'the ledger balances');
end
$$;
