-- Voids a draft or open invoice: reverses its ledger postings, gives back what credit settled on it, frees its periods.
create or replace function api.invoice_void(invoice_id bigint, reason text default null)
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
                where l.invoice_id = v_invoice.id)
       or exists (select from dues.invoice_line l join dues.pause_credit pc on pc.invoice_line_id = l.id
                   where l.invoice_id = v_invoice.id) then
        raise exception 'invoice % has lines already credited by a proration or a pause: it cannot be voided', v_invoice.id
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
                 group by l.class_id
                having pg_catalog.sum(l.amount) <> 0) x;
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
      from (select l.class_subscription_id, pg_catalog.min(l.period_start) as first_day
              from dues.invoice_line l
             where l.invoice_id = v_invoice.id and l.kind = 'period' and not l.void
             group by l.class_subscription_id) l
     where r.class_subscription_id = l.class_subscription_id;
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
Errors: DU014 invoice_id is null, DUB01 unknown invoice, DUB11 the invoice is paid, void or uncollectible, or a proration or pause credit was
given on one of its lines, 42501 not staff.$$;

grant execute on function api.invoice_void(bigint, text) to dues_staff;
