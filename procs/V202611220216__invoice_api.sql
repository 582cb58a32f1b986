-- The api of invoices and the money that reverses or closes them: invoice_get, invoice_list, invoice_void,
-- invoice_write_off, payment_refund.

-- The invoice with this id after checking the caller may act for its member (the refusal is the same whether or not
-- it exists); DU014 null, DUB01 unknown.
create function dues.invoice_authorized(p_invoice_id bigint, p_action text)
returns dues.invoice
language plpgsql
stable
set search_path = ''
as $$
declare
    v_invoice dues.invoice;
begin
    perform dues.require_argument('invoice_id', p_invoice_id is null);
    select i.* into v_invoice from dues.invoice i where i.id = p_invoice_id;
    if not found then
        if not dues.caller_is_staff() then
            raise exception 'not allowed to act on invoice %', p_invoice_id
                using errcode = '42501';
        end if;
        raise exception 'invoice % not found', p_invoice_id
            using errcode = 'DUB01';
    end if;
    perform dues.authorize_member(v_invoice.member_id, p_action);
    return v_invoice;
end
$$;

-- api.invoice_get ---------------------------------------------------------------------------------------------------

-- One invoice with its lines, settlements and status history.
create function api.invoice_get(
    invoice_id  bigint,
    out id          bigint,
    out number      text,
    out member_id   bigint,
    out provider_id bigint,
    out provider    text,
    out currency    char(3),
    out status      text,
    out issue_date  date,
    out due_date    date,
    out total       numeric(14,2),
    out settled     numeric(14,2),
    out amount_due  numeric(14,2),
    out lines       jsonb,
    out settlements jsonb,
    out history     jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_invoice dues.invoice := dues.invoice_authorized(invoice_get.invoice_id, 'use');
begin
    id := v_invoice.id;
    number := v_invoice.number;
    member_id := v_invoice.member_id;
    provider_id := v_invoice.provider_id;
    provider := (select m.name from dues.member m where m.id = v_invoice.provider_id);
    currency := v_invoice.currency;
    status := v_invoice.status;
    issue_date := v_invoice.issue_date;
    due_date := v_invoice.due_date;
    total := v_invoice.total;
    settled := dues.invoice_settled(v_invoice.id);
    amount_due := case when v_invoice.status = 'open' then v_invoice.total - settled else 0 end;
    lines := coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                  'id', l.id, 'kind', l.kind, 'description', l.description, 'class_id', l.class_id,
                                  'subscription_id', l.subscription_id, 'charge_id', l.charge_id,
                                  'period_start', l.period_start, 'period_end', l.period_end, 'due_date', l.due_date,
                                  'amount', l.amount, 'period_amount', l.period_amount, 'void', l.void,
                                  'credited', (select pc.amount from dues.proration_credit pc where pc.invoice_line_id = l.id))
                              order by l.id)
                         from dues.invoice_line l where l.invoice_id = v_invoice.id), '[]');
    settlements := coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                        'kind', s.kind, 'amount', s.amount, 'settled_on', s.settled_on,
                                        'ledger_transaction_id', s.ledger_transaction_id)
                                    order by s.id)
                               from dues.settlement s where s.invoice_id = v_invoice.id), '[]');
    history := coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'from', h.from_status, 'to', h.to_status, 'on', h.changed_on, 'reason', h.reason,
                                    'at', h.created_at, 'by', h.created_by)
                                order by h.id)
                           from dues.invoice_status_change h where h.invoice_id = v_invoice.id), '[]');
end
$$;

comment on function api.invoice_get(bigint) is
$$One invoice: id, number (per provider and year, e.g. "2027-000012"), member_id, provider (id and name), currency, status (draft, open,
paid, void, uncollectible), issue_date, due_date, total, settled (credit applied minus given back, plus written off), amount_due (what is
left to pay on an open invoice), lines (kind period/setup_fee/charge, description, the days a period line covers, amount, the whole period's
amount, void, and the proration credit given for it), settlements and the status history (from, to, business day, reason, who, when).
Errors: DU014 invoice_id is null, DUB01 unknown invoice, 42501 not allowed (members see their own invoices and their organisations').$$;

-- api.invoice_list --------------------------------------------------------------------------------------------------

-- Invoices by member, status and issue dates, newest first.
create function api.invoice_list(member_id bigint default null, status text default null,
                                 from_date date default null, to_date date default null)
returns table (id bigint, number text, invoice_member_id bigint, provider_id bigint, currency char(3), invoice_status text,
               issue_date date, due_date date, total numeric(14,2), amount_due numeric(14,2))
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    if invoice_list.member_id is null then
        perform dues.authorize_staff();
    else
        perform dues.authorize_member(invoice_list.member_id, 'use');
        perform dues.member_get(invoice_list.member_id);
    end if;
    if invoice_list.status not in ('draft', 'open', 'paid', 'void', 'uncollectible') then
        raise exception 'status must be draft, open, paid, void or uncollectible, got %', invoice_list.status
            using errcode = 'DU013';
    end if;
    if invoice_list.from_date > invoice_list.to_date then
        raise exception 'from_date % is after to_date %', invoice_list.from_date, invoice_list.to_date
            using errcode = 'DU013';
    end if;
    return query
        select i.id, i.number, i.member_id, i.provider_id, i.currency, i.status, i.issue_date, i.due_date, i.total,
               (case when i.status = 'open' then i.total - dues.invoice_settled(i.id) else 0 end)::numeric(14,2)
          from dues.invoice i
         where (invoice_list.member_id is null or i.member_id = invoice_list.member_id)
           and (invoice_list.status is null or i.status = invoice_list.status)
           and (invoice_list.from_date is null or i.issue_date >= invoice_list.from_date)
           and (invoice_list.to_date is null or i.issue_date <= invoice_list.to_date)
         order by i.issue_date desc nulls first, i.id desc;
end
$$;

comment on function api.invoice_list(bigint, text, date, date) is
$$Lists invoices, newest first: of one member (member_id), or of everyone (staff only, member_id null); optionally only one status
(draft, open, paid, void, uncollectible) and only those issued from from_date to to_date (inclusive). Each row: id, number,
invoice_member_id, provider_id, currency, invoice_status, issue_date, due_date, total, amount_due (left to pay on an open invoice).
Errors: DU001 unknown member, DU013 unknown status or from_date after to_date, 42501 not allowed.$$;

-- api.invoice_void --------------------------------------------------------------------------------------------------

-- Voids a draft or open invoice: reverses its ledger postings, gives back what credit settled on it, frees its periods.
create function api.invoice_void(invoice_id bigint, reason text default null)
returns dues.invoice
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_invoice  dues.invoice;
    v_today    date := dues.local_date(pg_catalog.now());
    v_settled  numeric;
    v_accounts bigint[];
    v_amounts  numeric[];
    v_tx       bigint;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('invoice_id', invoice_void.invoice_id is null);
    perform dues.member_lock(dues.invoice_member(invoice_void.invoice_id))
       where dues.invoice_member(invoice_void.invoice_id) is not null;
    v_invoice := dues.invoice_lock(invoice_void.invoice_id);
    if v_invoice.status not in ('draft', 'open') then
        raise exception 'invoice % is %, only a draft or open invoice can be voided', v_invoice.id, v_invoice.status
            using errcode = 'DUB11',
                  hint = case v_invoice.status
                             when 'paid' then 'refund the payment (payment_refund) to reopen it first'
                             else 'it is already closed'
                         end;
    end if;
    if exists (select from dues.invoice_line l join dues.proration_credit pc on pc.invoice_line_id = l.id
                where l.invoice_id = v_invoice.id) then
        raise exception 'invoice % has lines already credited by a proration: it cannot be voided', v_invoice.id
            using errcode = 'DUB11',
                  hint = 'write it off (invoice_write_off) instead';
    end if;

    if v_invoice.status = 'open' then
        v_settled := dues.invoice_settled(v_invoice.id);
        if v_settled > 0 then
            v_tx := dues.ledger_transfer(dues.receivable_account(v_invoice.member_id, v_invoice.currency),
                                         dues.member_account(v_invoice.member_id, v_invoice.currency), v_settled,
                                         'invoice_unapply', pg_catalog.format('invoice %s voided: settled credit given back', v_invoice.number));
            perform dues.ledger_book(v_tx, v_today, v_invoice.member_id, v_invoice.id);
            insert into dues.settlement (invoice_id, kind, amount, settled_on, ledger_transaction_id)
            values (v_invoice.id, 'unapply', -v_settled, v_today, v_tx);
        end if;
        select pg_catalog.array_agg(x.account_id order by x.n), pg_catalog.array_agg(x.amount order by x.n)
          into v_accounts, v_amounts
          from (select 0::bigint as n, dues.receivable_account(v_invoice.member_id, v_invoice.currency) as account_id,
                       v_invoice.total as amount
                union all
                select l.class_id, dues.class_account(l.class_id), -pg_catalog.sum(l.amount)
                  from dues.invoice_line l
                 where l.invoice_id = v_invoice.id and not l.void
                 group by l.class_id) x;
        v_tx := dues.ledger_post('invoice_void', pg_catalog.format('invoice %s voided', v_invoice.number), v_accounts, v_amounts);
        perform dues.ledger_book(v_tx, v_today, v_invoice.member_id, v_invoice.id);
        update dues.invoice i set void_transaction_id = v_tx, status = 'void' where i.id = v_invoice.id;
        insert into dues.invoice_status_change (invoice_id, from_status, to_status, changed_on, reason)
        values (v_invoice.id, 'open', 'void', v_today, invoice_void.reason);
    else
        perform dues.invoice_set_status(v_invoice.id, 'void', v_today, invoice_void.reason);
    end if;

    -- its periods and charges may be billed again: billing restarts at the first day it had billed
    update dues.recurring_subscription r
       set billed_until = case when l.first_day > r.start_date then least(r.billed_until, l.first_day - 1) end
      from (select l.subscription_id, pg_catalog.min(l.period_start) as first_day
              from dues.invoice_line l
             where l.invoice_id = v_invoice.id and l.kind = 'period' and not l.void
             group by l.subscription_id) l
     where r.class_subscription_id = l.subscription_id;
    update dues.invoice_line l set void = true where l.invoice_id = v_invoice.id;

    perform dues.member_settle(v_invoice.member_id, v_invoice.currency, v_today);
    return dues.invoice_lock(v_invoice.id);
end
$$;

comment on function api.invoice_void(bigint, text) is
$$Voids an invoice issued by mistake (draft or open, even partly paid): its ledger postings are reversed (the member no longer owes it,
the classes give back the revenue), what the member's credit had settled on it goes back to the credit (and settles other open
invoices, oldest first), and its periods and charges become billable again: the next collector run bills them anew with the current
dues (cancel the subscription first when they should not be). The invoice keeps its number. reason is recorded in its history.
Staff only. Returns the invoice.
Errors: DU014 invoice_id is null, DUB01 unknown invoice, DUB11 the invoice is paid, void or uncollectible, or a proration credit was
given on one of its lines, 42501 not staff.$$;

-- api.invoice_write_off ---------------------------------------------------------------------------------------------

-- Closes what is left to pay on an open invoice as uncollectible (the provider's bad debt).
create function api.invoice_write_off(invoice_id bigint, reason text default null)
returns dues.invoice
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_invoice dues.invoice;
    v_today   date := dues.local_date(pg_catalog.now());
    v_left    numeric;
    v_tx      bigint;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('invoice_id', invoice_write_off.invoice_id is null);
    perform dues.member_lock(dues.invoice_member(invoice_write_off.invoice_id))
       where dues.invoice_member(invoice_write_off.invoice_id) is not null;
    v_invoice := dues.invoice_lock(invoice_write_off.invoice_id);
    if v_invoice.status <> 'open' then
        raise exception 'invoice % is %, only an open invoice can be written off', v_invoice.id, v_invoice.status
            using errcode = 'DUB11';
    end if;
    v_left := v_invoice.total - dues.invoice_settled(v_invoice.id);
    v_tx := dues.ledger_transfer(dues.bad_debt_account(v_invoice.provider_id, v_invoice.currency),
                                 dues.receivable_account(v_invoice.member_id, v_invoice.currency), v_left, 'write_off',
                                 pg_catalog.format('invoice %s written off', v_invoice.number));
    perform dues.ledger_book(v_tx, v_today, v_invoice.member_id, v_invoice.id);
    insert into dues.settlement (invoice_id, kind, amount, settled_on, ledger_transaction_id)
    values (v_invoice.id, 'write_off', v_left, v_today, v_tx);
    perform dues.invoice_set_status(v_invoice.id, 'uncollectible', v_today, invoice_write_off.reason);
    return dues.invoice_lock(v_invoice.id);
end
$$;

comment on function api.invoice_write_off(bigint, text) is
$$Writes off what is left to pay on an open invoice: a ledger transaction moves it from the provider's bad debt account to the member's
receivable, so the member no longer owes it (and it no longer counts against the member's standing); the invoice becomes uncollectible.
What was paid on it stays paid. reason is recorded in its history. Staff only. Returns the invoice.
Errors: DU014 invoice_id is null, DUB01 unknown invoice, DUB11 the invoice is not open, 42501 not staff.$$;

-- api.payment_refund ------------------------------------------------------------------------------------------------

-- Gives (part of) a payment back through the method it came by, reopening invoices it had paid when the credit is spent.
create function api.payment_refund(payment_id bigint, amount numeric default null, external_ref text default null,
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
    if v_ref = '' then
        raise exception 'external_ref must not be blank'
            using errcode = 'DU013';
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
standing again. external_ref (the processor's refund id) makes it idempotent: the same reference again returns the first refund.
Staff only. Returns the refund (id, payment_id, amount, external_ref, reason, refunded_on, ledger_transaction_id, …).
Errors: DU014 payment_id is null, DUB06 unknown payment, DU020 amount not positive (or nothing left to refund), DU023 too many decimals,
DUB13 more than what is left of the payment, DU013 blank external_ref, DU050 external_ref already used for another amount,
DU030 the credit is reserved by confirmed orders, 42501 not staff.$$;
