-- What a PayPal webhook event (REST) means, from its resource. A sale registers once per sale id (the txn_id IPN
-- names it by, so IPN and webhooks together pay once); refunds and reversals give it back; a subscription's failed
-- payment or cancellation queues the same messages as IPN's. The member is the one holding the subscription id
-- (billing_agreement_id), else the one with the subscriber's e-mail, then PayPal e-mail.
create or replace function dues.paypal_event_apply(p_event dues.webhook_event, p_member_id bigint default null)
returns dues.ipn_outcome
language plpgsql
set search_path = ''
as $$
declare
    r        jsonb := p_event.data -> 'resource';
    v_match  dues.ipn_outcome;
    v_member dues.member;
    v_money  record;
    v_amount numeric;
    v_sale   text;
begin
    if pg_catalog.jsonb_typeof(r) is distinct from 'object' then
        raise exception 'PayPal event % has no resource', p_event.event_id using errcode = 'DU605';
    end if;
    case p_event.event_type
        when 'PAYMENT.SALE.REFUNDED' then
            select * into v_money from dues.webhook_amount(r #>> '{amount,total}', r #>> '{amount,currency}', false);
            return dues.webhook_refund('paypal', array[r ->> 'sale_id'], pg_catalog.abs(v_money.amount), r ->> 'id', 'refund', false);
        when 'PAYMENT.SALE.REVERSED' then
            -- the reversal names its sale (sale_id), or is the sale itself; an amount, when given, is what is taken back
            v_sale := coalesce(r ->> 'sale_id', r ->> 'id');
            if r #>> '{amount,total}' is not null then
                select * into v_money from dues.webhook_amount(r #>> '{amount,total}', r #>> '{amount,currency}', false);
                v_amount := pg_catalog.abs(v_money.amount);
            end if;
            return dues.webhook_refund('paypal', array[v_sale], v_amount,
                                       case when r ->> 'id' is distinct from v_sale then r ->> 'id' else p_event.event_id end,
                                       'reversal', true);
        when 'PAYMENT.SALE.COMPLETED', 'BILLING.SUBSCRIPTION.CANCELLED', 'BILLING.SUBSCRIPTION.PAYMENT.FAILED',
             'BILLING.SUBSCRIPTION.ACTIVATED' then
            null;
        else
            return ('ignored', pg_catalog.format('PayPal event type %s is not handled: recorded, no effect', p_event.event_type),
                    null, null)::dues.ipn_outcome;
    end case;

    v_match := dues.webhook_match(p_event,
                                  array[case when p_event.event_type like 'BILLING.SUBSCRIPTION.%' then r ->> 'id'
                                             else r ->> 'billing_agreement_id' end],
                                  coalesce(r #>> '{subscriber,email_address}', r #>> '{payer,email_address}',
                                           r #>> '{payer,payer_info,email}'),
                                  p_member_id);
    if v_match.state is not null then
        return v_match;
    end if;
    v_member := dues.member_get(v_match.member_id);
    case p_event.event_type
        when 'PAYMENT.SALE.COMPLETED' then
            if pg_catalog.lower(r ->> 'state') is distinct from 'completed' then
                return ('processed', pg_catalog.format('sale in state %s: recorded, no payment', coalesce(r ->> 'state', 'missing')),
                        v_member.id, null)::dues.ipn_outcome;
            end if;
            select * into v_money from dues.webhook_amount(r #>> '{amount,total}', r #>> '{amount,currency}', false);
            return dues.webhook_payment(v_member, 'paypal', v_money.amount, v_money.currency, r ->> 'id',
                                        r ->> 'billing_agreement_id' is not null);
        when 'BILLING.SUBSCRIPTION.ACTIVATED' then
            return ('processed', 'subscription ' || coalesce(r ->> 'id', '') || ' activated: recorded (' || v_match.note || ')',
                    v_member.id, null)::dues.ipn_outcome;
        when 'BILLING.SUBSCRIPTION.PAYMENT.FAILED' then
            return dues.webhook_notify('failed', v_member, 'paypal', r ->> 'id', 'a payment of the subscription failed');
        else
            return dues.webhook_notify('cancelled', v_member, 'paypal', r ->> 'id', 'the subscription was cancelled');
    end case;
end
$$;
