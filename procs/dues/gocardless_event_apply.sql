-- What a GoCardless event means. Its links name the payment, mandate or subscription; a payment's amount, currency
-- and mandate are read from the GoCardless API (dues.webhook_resource_need: the event waits for the worker to fetch
-- them). Payments register once per payment id (confirmed, then paid_out, pay once); a charge-back gives the payment
-- back; failures and cancellations queue the same messages as PayPal IPN's.
create or replace function dues.gocardless_event_apply(p_event dues.webhook_event, p_member_id bigint default null)
returns dues.ipn_outcome
language plpgsql
set search_path = ''
as $$
declare
    v_links    jsonb := p_event.data -> 'links';
    v_why      text := nullif(p_event.data #>> '{details,description}', '');
    v_resource jsonb;
    v_payment  jsonb;
    v_match    dues.ipn_outcome;
    v_member   dues.member;
    v_money    record;
begin
    case p_event.event_type
        when 'payments.confirmed', 'payments.paid_out', 'payments.failed', 'payments.cancelled' then
            v_resource := dues.webhook_resource_need(p_event, 'payments/' || (v_links ->> 'payment'));
            if v_resource is null then
                return ('waiting', 'waits for payments/' || (v_links ->> 'payment') || ' from the GoCardless API', null, null)::dues.ipn_outcome;
            end if;
            v_payment := v_resource -> 'payments';
            v_match := dues.gocardless_payer(p_event, pg_catalog.jsonb_build_object('mandate', v_payment #>> '{links,mandate}',
                                                                                     'subscription', v_payment #>> '{links,subscription}'),
                                             p_member_id);
        when 'payments.charged_back' then
            return dues.webhook_refund('gocardless', array[v_links ->> 'payment'], null, p_event.event_id, 'charge-back', true);
        when 'mandates.cancelled', 'mandates.expired', 'mandates.failed' then
            v_match := dues.gocardless_payer(p_event, pg_catalog.jsonb_build_object('mandate', v_links ->> 'mandate'), p_member_id);
        when 'subscriptions.cancelled' then
            v_match := dues.gocardless_payer(p_event, pg_catalog.jsonb_build_object('subscription', v_links ->> 'subscription'),
                                             p_member_id);
        else
            return ('ignored', pg_catalog.format('GoCardless event type %s is not handled: recorded, no effect', p_event.event_type),
                    null, null)::dues.ipn_outcome;
    end case;
    if v_match.state is not null then
        return v_match;
    end if;
    v_member := dues.member_get(v_match.member_id);
    case p_event.event_type
        when 'payments.confirmed', 'payments.paid_out' then
            select * into v_money from dues.webhook_amount(v_payment ->> 'amount', v_payment ->> 'currency', true);
            return dues.webhook_payment(v_member, 'gocardless', v_money.amount, v_money.currency, v_links ->> 'payment',
                                        v_payment #>> '{links,subscription}' is not null);
        when 'payments.failed' then
            return dues.webhook_notify('failed', v_member, 'gocardless', v_links ->> 'payment',
                                       'the payment failed' || coalesce(': ' || v_why, ''));
        when 'payments.cancelled' then
            return dues.webhook_notify('failed', v_member, 'gocardless', v_links ->> 'payment',
                                       'the payment was cancelled' || coalesce(': ' || v_why, ''));
        when 'mandates.failed' then
            return dues.webhook_notify('failed', v_member, 'gocardless', v_links ->> 'mandate',
                                       'the direct debit mandate failed' || coalesce(': ' || v_why, ''));
        when 'subscriptions.cancelled' then
            return dues.webhook_notify('cancelled', v_member, 'gocardless', v_links ->> 'subscription',
                                       'the subscription was cancelled' || coalesce(': ' || v_why, ''));
        else
            return dues.webhook_notify('cancelled', v_member, 'gocardless', v_links ->> 'mandate',
                                       'the direct debit mandate ' || pg_catalog.split_part(p_event.event_type, '.', 2)
                                       || coalesce(': ' || v_why, ''));
    end case;
end
$$;
