-- Applies the member's available credit in a currency (its balance minus what confirmed orders reserve) to its open
-- invoices, oldest due first, in one ledger transaction; an invoice settled in full is paid. Returns the invoices touched.
create or replace function dues.member_settle(p_member_id bigint, p_currency char(3), p_on date)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_credit    bigint;
    v_available numeric;
    v_invoice   record;
    v_take      numeric;
    v_ids       bigint[] := array[]::bigint[];
    v_amounts   numeric[] := array[]::numeric[];
    v_total     numeric := 0;
    v_tx        bigint;
begin
    -- most calls (a payment of a member who owes nothing) end here, on one look-up of the index of open invoices
    if not exists (select from dues.invoice i
                    where i.member_id = p_member_id and i.currency = p_currency and i.status = 'open') then
        return 0;
    end if;
    v_credit := dues.member_account_find(p_member_id, p_currency);
    if v_credit is null then
        return 0;
    end if;
    select a.balance - dues.member_reserved(p_member_id, p_currency) into v_available
      from dues.ledger_account a where a.id = v_credit;
    if v_available <= 0 then
        return 0;
    end if;
    for v_invoice in
        select i.id, i.total - dues.invoice_settled(i.id) as due
          from dues.invoice i
         where i.member_id = p_member_id and i.currency = p_currency and i.status = 'open'
         order by i.due_date, i.issue_date, i.id
           for update of i
    loop
        exit when v_available <= 0;
        v_take := least(v_invoice.due, v_available);
        continue when v_take <= 0;
        v_ids := v_ids || v_invoice.id;
        v_amounts := v_amounts || v_take;
        v_available := v_available - v_take;
        v_total := v_total + v_take;
    end loop;
    if v_total = 0 then
        return 0;
    end if;

    v_tx := dues.ledger_transfer(v_credit, dues.receivable_account(p_member_id, p_currency), v_total, 'invoice_settlement',
                                 pg_catalog.format('member %s credit applied to %s invoice(s)', p_member_id, pg_catalog.cardinality(v_ids)));
    perform dues.ledger_book(v_tx, p_on, p_member_id);
    insert into dues.settlement (invoice_id, kind, amount, settled_on, ledger_transaction_id)
    select s.invoice_id, 'credit', s.amount, p_on, v_tx
      from unnest(v_ids, v_amounts) as s(invoice_id, amount);
    perform dues.invoice_set_status(i.id, 'paid', p_on, 'settled from credit')
       from dues.invoice i
      where i.id = any (v_ids) and dues.invoice_settled(i.id) = i.total;
    return pg_catalog.cardinality(v_ids);
end
$$;
