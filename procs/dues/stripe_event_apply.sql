-- What a Stripe event means (its object is data.object). Payments register once per PaymentIntent (else charge, else
-- invoice or session) id; refunds, disputes and the messages of failures and cancellations follow. The member is the
-- one holding the event's customer or subscription id, else the one with its e-mail (dues.webhook_match).
create or replace function dues.stripe_event_apply(p_event dues.webhook_event, p_member_id bigint default null)
returns dues.ipn_outcome
language plpgsql
set search_path = ''
as $$
declare
    o        jsonb := p_event.data #> '{data,object}';
    v_match  dues.ipn_outcome;
    v_member dues.member;
    v_money  record;
    v_ref    text;
begin
    if pg_catalog.jsonb_typeof(o) is distinct from 'object' then
        raise exception 'Stripe event % has no data.object', p_event.event_id using errcode = 'DU605';
    end if;
    case p_event.event_type
        when 'charge.refunded' then
            -- amount_refunded is what was given back in all: what dues has not given back yet goes now
            select * into v_money from dues.webhook_amount(o ->> 'amount_refunded', o ->> 'currency', true);
            return dues.webhook_refund('stripe', array[o ->> 'payment_intent', o ->> 'id'],
                                       v_money.amount - coalesce((select pg_catalog.sum(r.amount) from dues.refund r join dues.payment p on p.id = r.payment_id
                                                                   where p.method = 'stripe' and p.external_ref in (o ->> 'payment_intent', o ->> 'id')), 0),
                                       coalesce(o #>> '{refunds,data,0,id}', p_event.event_id), 'refund', false);
        when 'charge.dispute.created' then
            select * into v_money from dues.webhook_amount(o ->> 'amount', o ->> 'currency', true);
            return dues.webhook_refund('stripe', array[o ->> 'payment_intent', o ->> 'charge'], v_money.amount, o ->> 'id',
                                       'dispute', true);
        when 'checkout.session.completed', 'invoice.paid', 'invoice.payment_failed', 'customer.subscription.deleted' then
            null;
        else
            return ('ignored', pg_catalog.format('Stripe event type %s is not handled: recorded, no effect', p_event.event_type),
                    null, null)::dues.ipn_outcome;
    end case;

    v_match := dues.webhook_match(p_event,
                                  array[o ->> 'customer',
                                        case when p_event.event_type = 'customer.subscription.deleted' then o ->> 'id'
                                             else o ->> 'subscription' end],
                                  coalesce(o #>> '{customer_details,email}', o ->> 'customer_email', o ->> 'receipt_email'),
                                  p_member_id);
    if v_match.state is not null then
        return v_match;
    end if;
    v_member := dues.member_get(v_match.member_id);

    case p_event.event_type
        when 'checkout.session.completed' then
            if o ->> 'mode' is distinct from 'payment' then
                return ('processed', pg_catalog.format('checkout session in mode %s (%s): recorded; its payments come as invoice.paid',
                                                       coalesce(o ->> 'mode', 'missing'), v_match.note), v_member.id, null)::dues.ipn_outcome;
            end if;
            if o ->> 'payment_status' is distinct from 'paid' then
                return ('processed', pg_catalog.format('checkout session with payment_status %s: recorded, no payment',
                                                       coalesce(o ->> 'payment_status', 'missing')), v_member.id, null)::dues.ipn_outcome;
            end if;
            select * into v_money from dues.webhook_amount(o ->> 'amount_total', o ->> 'currency', true);
            return dues.webhook_payment(v_member, 'stripe', v_money.amount, v_money.currency,
                                        coalesce(o ->> 'payment_intent', o ->> 'id'), false);
        when 'invoice.paid' then
            select * into v_money from dues.webhook_amount(o ->> 'amount_paid', o ->> 'currency', true);
            if v_money.amount <= 0 then
                return ('processed', 'invoice.paid of nothing: recorded, no payment', v_member.id, null)::dues.ipn_outcome;
            end if;
            v_ref := coalesce(o ->> 'payment_intent', o #>> '{payments,data,0,payment,payment_intent}', o ->> 'charge', o ->> 'id');
            return dues.webhook_payment(v_member, 'stripe', v_money.amount, v_money.currency, v_ref, o ->> 'subscription' is not null);
        when 'invoice.payment_failed' then
            return dues.webhook_notify('failed', v_member, 'stripe', coalesce(o ->> 'subscription', o ->> 'id'),
                                       'the payment of invoice ' || coalesce(o ->> 'number', o ->> 'id') || ' failed');
        else
            return dues.webhook_notify('cancelled', v_member, 'stripe', o ->> 'id', 'the subscription was cancelled');
    end case;
end
$$;
