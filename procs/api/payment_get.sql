-- One payment, with the invoices its registration settled and its refunds.
create or replace function api.payment_get(
    payment_id          bigint,
    out id              bigint,
    out member_id       bigint,
    out amount          numeric(14,2),
    out currency        char(3),
    out method          text,
    out external_ref    text,
    out created_at      timestamptz,
    out created_by      text,
    out ipn_message_id  bigint,
    out settled         jsonb,
    out refunds         jsonb,
    out refunded        numeric(14,2),
    out refundable      numeric(14,2)
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_payment dues.payment;
begin
    perform dues.require_argument('payment_id', payment_get.payment_id is null);
    select p.* into v_payment from dues.payment p where p.id = payment_get.payment_id;
    if not coalesce(dues.caller_may_act(v_payment.member_id, 'use'), false) then
        perform dues.refuse_record('payment', payment_get.payment_id, 'use');
    end if;
    if v_payment.id is null then
        raise exception 'payment % not found', payment_get.payment_id
            using errcode = 'DUB06';
    end if;
    id := v_payment.id;
    member_id := v_payment.member_id;
    amount := v_payment.amount;
    currency := v_payment.currency;
    method := v_payment.method;
    external_ref := v_payment.external_ref;
    created_at := v_payment.created_at;
    created_by := v_payment.created_by;
    ipn_message_id := (select pg_catalog.min(m.id) from dues.ipn_message m where m.payment_id = v_payment.id);
    -- register_payment settles the member's open invoices with the new credit in the transaction that registers it, under
    -- the member's lock: the settlements booked after the payment, in that transaction, before any later payment of the member
    settled := coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'invoice_id', s.invoice_id, 'number', i.number, 'amount', s.amount,
                                    'settled_on', s.settled_on) order by s.id)
                           from dues.settlement s
                           join dues.invoice i on i.id = s.invoice_id
                          where s.kind = 'credit' and s.created_at = v_payment.created_at
                            and i.member_id = v_payment.member_id and i.currency = v_payment.currency
                            and s.ledger_transaction_id > v_payment.ledger_transaction_id
                            and s.ledger_transaction_id < coalesce(
                                    (select pg_catalog.min(p.ledger_transaction_id) from dues.payment p
                                      where p.member_id = v_payment.member_id
                                        and p.ledger_transaction_id > v_payment.ledger_transaction_id),
                                    9223372036854775807)), '[]');
    refunds := coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'refund_id', r.id, 'amount', r.amount, 'external_ref', r.external_ref, 'reason', r.reason,
                                    'refunded_on', r.refunded_on, 'created_at', r.created_at) order by r.id)
                           from dues.refund r
                          where r.payment_id = v_payment.id), '[]');
    refunded := coalesce((select pg_catalog.sum(r.amount) from dues.refund r where r.payment_id = v_payment.id), 0.00);
    refundable := v_payment.amount - refunded;
end
$$;

comment on function api.payment_get(bigint) is
$$One payment: id, member_id, amount, currency, method, external_ref, created_at, created_by, ipn_message_id (the PayPal
notification it came from, if any), settled (the open invoices its registration paid from the credit it brought: invoice_id, number,
amount, settled_on; what was left stayed as credit), refunds (refund_id, amount, external_ref, reason, refunded_on, created_at),
refunded (their sum) and refundable (what payment_refund may still give back). A member may read its own; another's is refused as one
that does not exist is.
Errors: DU014 payment_id is null, DUB06 unknown payment, 42501 not allowed.$$;

grant execute on function api.payment_get(bigint) to dues_member, dues_staff;
