-- Gives (part of) a payment back through the method it came by, reopening invoices it had paid when the credit is spent.
create or replace function api.payment_refund(payment_id bigint, amount numeric default null, external_ref text default null,
                                              reason text default null)
returns dues.refund
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_payment   dues.payment;
    v_refund    dues.refund;
    v_today     date := dues.local_date(pg_catalog.now());
    v_ref       text := pg_catalog.btrim(payment_refund.external_ref);
    v_left      numeric;
    v_amount    numeric;
    v_credit    bigint;
    v_available numeric;
    v_tx        bigint;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('payment_id', payment_refund.payment_id is null);
    select p.* into v_payment from dues.payment p where p.id = payment_refund.payment_id;
    if not found then
        raise exception 'payment % not found', payment_refund.payment_id
            using errcode = 'DUB06';
    end if;
    perform dues.member_lock(v_payment.member_id);
    if exists (select from dues.membership_dues_receipt mr where mr.payment_id = v_payment.id) then
        raise exception 'payment % was recognised as membership dues: its money is the membership dues class''s revenue, '
                        'not the member''s credit', v_payment.id
            using errcode = 'DU734',
                  hint = 'a payment recognised as membership dues is not refunded';
    end if;
    if v_ref = '' then
        raise exception 'external_ref must not be blank'
            using errcode = 'DU017';
    end if;
    if v_ref is not null then
        select r.* into v_refund from dues.refund r where r.payment_id = v_payment.id and r.external_ref = v_ref;
        if found then
            if v_refund.amount = coalesce(payment_refund.amount, v_refund.amount) then
                return v_refund;
            end if;
            raise exception 'external reference % was already used for refund % of % %', v_ref, v_refund.id, v_refund.amount,
                            v_payment.currency
                using errcode = 'DU050';
        end if;
    end if;
    v_left := v_payment.amount - coalesce((select pg_catalog.sum(r.amount) from dues.refund r where r.payment_id = v_payment.id), 0);
    v_amount := coalesce(payment_refund.amount, v_left);
    if v_amount <= 0 then
        raise exception 'refund amount must be positive, got %', v_amount
            using errcode = 'DU020',
                  hint = pg_catalog.format('payment %s has %s %s left to refund', v_payment.id, v_left, v_payment.currency);
    end if;
    perform dues.money_check(v_amount, v_payment.currency);
    if v_amount > v_left then
        raise exception 'payment % has % % left to refund, not %', v_payment.id, v_left, v_payment.currency, v_amount
            using errcode = 'DUB13';
    end if;

    -- the credit it became pays the refund; what the credit settled on invoices is taken back first when needed
    v_credit := dues.member_account(v_payment.member_id, v_payment.currency);
    select a.balance - dues.member_reserved(v_payment.member_id, v_payment.currency) into v_available
      from dues.ledger_account a where a.id = v_credit;
    if v_available < v_amount then
        perform dues.member_unapply(v_payment.member_id, v_payment.currency, v_amount - v_available, v_today,
                                    pg_catalog.format('payment %s refunded', v_payment.id));
        select a.balance - dues.member_reserved(v_payment.member_id, v_payment.currency) into v_available
          from dues.ledger_account a where a.id = v_credit;
        if v_available < v_amount then
            raise exception 'member % has % % not reserved by confirmed orders, the refund needs %', v_payment.member_id,
                            v_available, v_payment.currency, v_amount
                using errcode = 'DU030',
                      hint = 'cancel the confirmed orders first';
        end if;
    end if;
    v_tx := dues.ledger_transfer(v_credit, dues.processor_account(v_payment.method, v_payment.currency), v_amount, 'refund',
                                 pg_catalog.format('refund of payment %s to member %s via %s%s', v_payment.id, v_payment.member_id,
                                                   v_payment.method, ' ' || v_ref));
    perform dues.ledger_book(v_tx, v_today, v_payment.member_id);
    insert into dues.refund as r (payment_id, amount, external_ref, reason, refunded_on, ledger_transaction_id)
    values (v_payment.id, v_amount, v_ref, payment_refund.reason, v_today, v_tx)
    returning r.* into v_refund;
    return v_refund;
end
$$;

comment on function api.payment_refund(bigint, numeric, text, text) is
$$Refunds a payment, in full (amount null) or in part, through the payment method it came by: a ledger transaction moves the amount from
the member's credit back to the processor's account. When the member's unreserved credit is less than the amount, what its credit
settled on invoices is taken back first, newest due first: those invoices reopen (paid becomes open) and count against the member's
standing again. A payment recognised as membership dues (a dues.membership_dues_receipt) is refused: its money is revenue.
external_ref (the processor's refund id) makes it idempotent: the same reference again returns the first refund.
Staff only. Returns the refund (id, payment_id, amount, external_ref, reason, refunded_on, ledger_transaction_id, …).
Errors: DU014 payment_id is null, DUB06 unknown payment, DU020 amount not positive (or nothing left to refund), DU023 too many decimals,
DUB13 more than what is left of the payment, DU017 blank external_ref, DU050 external_ref already used for another amount,
DU030 the credit is reserved by confirmed orders, DU734 the payment was recognised as membership dues (docs/billing.md),
42501 not staff.$$;

grant execute on function api.payment_refund(bigint, numeric, text, text) to dues_staff;
