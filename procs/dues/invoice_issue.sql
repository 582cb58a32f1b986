-- Issues a draft invoice on a day: takes the provider's next number for that year (gapless: the counter moves in this
-- transaction), dates it (due on its earliest line's due date, not before the issue day), posts it to the ledger
-- (the member's receivable owes each class's revenue, net of its discount lines) and opens it; an invoice its discounts
-- bring to 0 is issued paid, moving no money.
create or replace function dues.invoice_issue(p_invoice_id bigint, p_on date)
returns dues.invoice
language plpgsql
set search_path = ''
as $$
declare
    v_invoice  dues.invoice := dues.invoice_lock(p_invoice_id);
    v_total    numeric;
    v_due      date;
    v_year     int := extract(year from p_on)::int;
    v_seq      int;
    v_accounts bigint[];
    v_amounts  numeric[];
    v_tx       bigint;
begin
    if v_invoice.status <> 'draft' then
        raise exception 'invoice % is %, only a draft can be issued', v_invoice.id, v_invoice.status
            using errcode = 'DUB11';
    end if;
    select coalesce(pg_catalog.sum(l.amount), 0), pg_catalog.min(l.due_date) into v_total, v_due
      from dues.invoice_line l
     where l.invoice_id = v_invoice.id and not l.void;
    if v_total < 0 or not exists (select from dues.invoice_line l where l.invoice_id = v_invoice.id and not l.void) then
        raise exception 'invoice % has no lines to issue', v_invoice.id
            using errcode = 'DUB11';
    end if;

    insert into dues.invoice_counter as c (provider_id, year, last_number)
    values (v_invoice.provider_id, v_year, 1)
    on conflict (provider_id, year) do update set last_number = c.last_number + 1
    returning c.last_number into v_seq;

    select pg_catalog.array_agg(x.account_id order by x.n), pg_catalog.array_agg(x.amount order by x.n)
      into v_accounts, v_amounts
      from (select 0 as n, dues.receivable_account(v_invoice.member_id, v_invoice.currency) as account_id, -v_total as amount
            union all
            select l.class_id, dues.class_account(l.class_id), pg_catalog.sum(l.amount)
              from dues.invoice_line l
             where l.invoice_id = v_invoice.id and not l.void
             group by l.class_id
            having pg_catalog.sum(l.amount) <> 0) x;
    -- a fully discounted invoice (total 0) moves no money: it is issued paid, without a ledger transaction
    if v_total > 0 then
        v_tx := dues.ledger_post('invoice', pg_catalog.format('invoice %s-%s of provider %s to member %s',
                                                              v_year, v_seq, v_invoice.provider_id, v_invoice.member_id),
                                 v_accounts, v_amounts);
        perform dues.ledger_book(v_tx, p_on, v_invoice.member_id, v_invoice.id);
    end if;

    update dues.invoice i
       set number_year = v_year,
           number_seq = v_seq,
           number = v_year || '-' || pg_catalog.lpad(v_seq::text, 6, '0'),
           issue_date = p_on,
           due_date = greatest(p_on, v_due),
           total = v_total,
           issue_transaction_id = v_tx,
           status = 'open'
     where i.id = v_invoice.id;
    insert into dues.invoice_status_change (invoice_id, from_status, to_status, changed_on, reason)
    values (v_invoice.id, 'draft', 'open', p_on, 'issued');
    if v_total = 0 then
        perform dues.invoice_set_status(v_invoice.id, 'paid', p_on, 'fully discounted: nothing to pay');
    end if;
    return dues.invoice_lock(v_invoice.id);
end
$$;
