-- Gives back (part of) the payment a refund, dispute or charge-back names (by any of the provider's ids in
-- p_payment_refs) through api.payment_refund, keyed by the provider's id of the refund (p_ref): at most what is left of
-- the payment (p_amount null: all of it). Invoices the payment settled reopen when the member's credit does not cover
-- it. A charge-back or dispute (p_chargeback) also tells the board. A payment not registered yet leaves the event
-- unmatched, to be matched again.
create or replace function dues.webhook_refund(p_method text, p_payment_refs text[], p_amount numeric, p_ref text,
                                               p_reason text, p_chargeback boolean)
returns dues.ipn_outcome
language plpgsql
set search_path = ''
as $$
declare
    v_on      date := dues.local_date(pg_catalog.now());
    v_payment dues.payment;
    v_member  dues.member;
    v_left    numeric;
    v_amount  numeric;
    v_refund  dues.refund;
    v_count   int := 0;
begin
    if coalesce(pg_catalog.btrim(p_ref), '') = '' then
        raise exception 'a % % without its id', p_method, p_reason using errcode = 'DU605';
    end if;
    select p.* into v_payment
      from dues.payment p
     where p.method = p_method and p.external_ref = any (p_payment_refs)
     order by p.id
     limit 1;
    if not found then
        return ('unmatched', pg_catalog.format('%s of payment %s: not registered (yet); matched again later', p_reason,
                                               coalesce(nullif(pg_catalog.array_to_string(p_payment_refs, ' or '), ''), '(none named)')),
                null, null)::dues.ipn_outcome;
    end if;
    perform dues.member_lock(v_payment.member_id);
    v_member := dues.member_get(v_payment.member_id);
    if exists (select from dues.refund r where r.payment_id = v_payment.id and r.external_ref = pg_catalog.btrim(p_ref)) then
        return ('processed', pg_catalog.format('%s %s of payment %s was given back already', p_reason, p_ref, v_payment.id),
                v_member.id, v_payment.id)::dues.ipn_outcome;
    end if;
    v_left := v_payment.amount - coalesce((select pg_catalog.sum(r.amount) from dues.refund r where r.payment_id = v_payment.id), 0);
    v_amount := least(coalesce(p_amount, v_left), v_left);
    if v_amount <= 0 then
        return ('processed', pg_catalog.format('%s of payment %s: nothing left to give back', p_reason, v_payment.id),
                v_member.id, v_payment.id)::dues.ipn_outcome;
    end if;
    v_refund := api.payment_refund(v_payment.id, v_amount, pg_catalog.btrim(p_ref), p_reason);
    if p_chargeback then
        v_count := dues.board_notify('payment ' || p_reason,
                                     pg_catalog.format('%s: payment %s of %s %s (%s %s) was taken back by the payer''s bank or card issuer; %s %s given back.',
                                                       p_reason, v_payment.id, v_payment.amount, v_payment.currency, p_method,
                                                       v_payment.external_ref, v_refund.amount, v_payment.currency),
                                     v_member, v_on);
    end if;
    perform dues.membership_status_update(coalesce(dues.member_master(v_member.id), v_member.id), pg_catalog.now());
    return ('processed', pg_catalog.format('%s: %s %s of payment %s given back (refund %s)%s', p_reason, v_refund.amount,
                                           v_payment.currency, v_payment.id, v_refund.id,
                                           case when p_chargeback then pg_catalog.format('; %s board notice(s)', v_count) else '' end),
            v_member.id, v_payment.id)::dues.ipn_outcome;
end
$$;
