-- Gives back to the member's credit up to p_amount of what its credit settled on invoices, newest due first
-- (paid invoices reopen); returns the amount given back.
create or replace function dues.member_unapply(p_member_id bigint, p_currency char(3), p_amount numeric, p_on date, p_reason text)
returns numeric
language plpgsql
set search_path = ''
as $$
declare
    v_invoice record;
    v_take    numeric;
    v_ids     bigint[] := array[]::bigint[];
    v_amounts numeric[] := array[]::numeric[];
    v_total   numeric := 0;
    v_tx      bigint;
begin
    for v_invoice in
        select i.id,
               (select coalesce(pg_catalog.sum(s.amount), 0) from dues.settlement s
                 where s.invoice_id = i.id and s.kind in ('credit', 'unapply')) as from_credit
          from dues.invoice i
         where i.member_id = p_member_id and i.currency = p_currency and i.status in ('open', 'paid')
         order by i.due_date desc, i.issue_date desc, i.id desc
           for update of i
    loop
        exit when v_total >= p_amount;
        v_take := least(v_invoice.from_credit, p_amount - v_total);
        continue when v_take <= 0;
        v_ids := v_ids || v_invoice.id;
        v_amounts := v_amounts || v_take;
        v_total := v_total + v_take;
    end loop;
    if v_total = 0 then
        return 0;
    end if;

    v_tx := dues.ledger_transfer(dues.receivable_account(p_member_id, p_currency), dues.member_account(p_member_id, p_currency),
                                 v_total, 'invoice_unapply',
                                 pg_catalog.format('member %s: %s', p_member_id, p_reason));
    perform dues.ledger_book(v_tx, p_on, p_member_id);
    insert into dues.settlement (invoice_id, kind, amount, settled_on, ledger_transaction_id)
    select s.invoice_id, 'unapply', -s.amount, p_on, v_tx
      from unnest(v_ids, v_amounts) as s(invoice_id, amount);
    perform dues.invoice_set_status(i.id, 'open', p_on, p_reason)
       from dues.invoice i
      where i.id = any (v_ids);
    return v_total;
end
$$;
