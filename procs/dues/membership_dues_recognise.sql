-- Recognises a payment as membership dues (docs/billing.md, "Membership dues as revenue"): when its currency has a
-- membership dues class and its member a running membership (not resigned by p_on, dues not waived), no recurring subscription running (billing's invoices take its
-- credit) and no order waiting for the money, what the payment leaves available (the credit not reserved by confirmed
-- orders, after the open invoices were settled; at most the payment) moves from the member's credit to the class's revenue,
-- booked on p_on, with a receipt. Once per payment: a payment recognised before returns its receipt (while its currency
-- has a membership dues class; without one nothing is read or recognised). Returns the receipt, or null when nothing is
-- recognised. The caller holds the member's billing lock.
create or replace function dues.membership_dues_recognise(p_payment dues.payment, p_on date)
returns dues.membership_dues_receipt
language plpgsql
set search_path = ''
as $$
declare
    v_receipt   dues.membership_dues_receipt;
    v_class     dues.class;
    v_credit    bigint;
    v_available numeric;
    v_tx        bigint;
begin
    -- most sites have no membership dues class: then nothing is recognised, and nothing more is read
    select c.* into v_class from dues.class c where c.membership_dues and c.currency = p_payment.currency;
    if v_class.id is null then
        return null;
    end if;
    select r.* into v_receipt from dues.membership_dues_receipt r where r.payment_id = p_payment.id;
    if found then
        return v_receipt;
    end if;
    v_credit := dues.member_account_find(p_payment.member_id, p_payment.currency);
    if v_credit is null
       or not exists (select from dues.membership ms
                       where ms.member_id = p_payment.member_id and not ms.waived
                         and (ms.end_date is null or ms.end_date > p_on))
       or exists (select from dues.recurring_subscription r
                    join dues.class c on c.id = r.class_id
                   where r.member_id = p_payment.member_id and c.currency = p_payment.currency
                     and (r.end_date is null or r.end_date >= p_on))
       or exists (select from dues.subscription_order o
                   where o.member_id = p_payment.member_id and o.currency = p_payment.currency and o.state = 'opened') then
        return null;
    end if;
    select least(a.balance - dues.member_reserved(p_payment.member_id, p_payment.currency), p_payment.amount) into v_available
      from dues.ledger_account a where a.id = v_credit;
    if v_available <= 0 then
        return null;
    end if;

    v_tx := dues.ledger_transfer(v_credit, dues.class_account(v_class.id), v_available, 'membership_dues',
                                 pg_catalog.format('payment %s: membership dues of member %s to class %s',
                                                   p_payment.id, p_payment.member_id, v_class.id));
    perform dues.ledger_book(v_tx, p_on, p_payment.member_id);
    insert into dues.membership_dues_receipt as r
        (payment_id, member_id, class_id, amount, currency, received_on, ledger_transaction_id)
    values (p_payment.id, p_payment.member_id, v_class.id, v_available, p_payment.currency, p_on, v_tx)
    returning r.* into v_receipt;
    return v_receipt;
end
$$;
