-- Registers the payment a webhook event reports (api.register_payment, idempotent on the provider's payment id:
-- p_ref), which settles the member's open invoices; a first payment moves the member to members. A subscription's
-- payment (p_subscription) gives the member a membership if it had none, as PayPal's subscr_payment does.
create or replace function dues.webhook_payment(p_member dues.member, p_method text, p_amount numeric, p_currency text,
                                                p_ref text, p_subscription boolean)
returns dues.ipn_outcome
language plpgsql
set search_path = ''
as $$
declare
    v_on      date := dues.local_date(pg_catalog.now());
    v_payment dues.payment;
    v_first   boolean;
begin
    if coalesce(pg_catalog.btrim(p_ref), '') = '' then
        raise exception 'a % payment without its id', p_method using errcode = 'DU605';
    end if;
    -- one registration per payment id at a time (the lock api.register_payment takes)
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.payment ' || p_method || ' ' || pg_catalog.btrim(p_ref), 0));
    select p.* into v_payment from dues.payment p where p.method = p_method and p.external_ref = pg_catalog.btrim(p_ref);
    if found and v_payment.member_id = p_member.id then
        return ('processed', pg_catalog.format('payment %s already registered for %s: nothing more', v_payment.id, p_ref),
                p_member.id, v_payment.id)::dues.ipn_outcome;
    end if;
    v_payment := api.register_payment(p_member.id, p_amount, p_currency, p_method, p_ref);
    if p_subscription then
        perform dues.membership_ensure(p_member.id, v_on);
        update dues.membership ms set start_date = v_on where ms.member_id = p_member.id and ms.start_date is null;
    end if;
    v_first := dues.membership_first_payment(p_member, v_on);
    perform dues.membership_status_update(coalesce(dues.member_master(p_member.id), p_member.id), pg_catalog.now());
    return ('processed', pg_catalog.format('payment %s of %s %s registered%s', v_payment.id, v_payment.amount, v_payment.currency,
                                           case when v_first then '; first payment: moved to members, welcome queued' else '' end),
            p_member.id, v_payment.id)::dues.ipn_outcome;
end
$$;
