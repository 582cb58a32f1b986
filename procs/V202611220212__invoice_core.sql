-- The invoice's life in the ledger: drafts, issuing (numbered, posted), settling from the member's credit oldest first,
-- and giving settled credit back (refunds). Callers hold the member's lock (dues.member_lock).

-- The draft invoice of a member for a provider and currency in a collector run, created when first needed.
create function dues.invoice_draft(p_member_id bigint, p_provider_id bigint, p_currency char(3), p_run_id bigint)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_invoice_id bigint;
begin
    select i.id into v_invoice_id
      from dues.invoice i
     where i.member_id = p_member_id and i.provider_id = p_provider_id and i.currency = p_currency
       and i.status = 'draft' and i.collect_run_id is not distinct from p_run_id;
    if v_invoice_id is null then
        insert into dues.invoice (member_id, provider_id, currency, collect_run_id)
        values (p_member_id, p_provider_id, p_currency, p_run_id)
        returning id into v_invoice_id;
        insert into dues.invoice_status_change (invoice_id, from_status, to_status, changed_on, reason)
        select v_invoice_id, null, 'draft', dues.local_date(r.run_at), 'collector run ' || r.id
          from dues.collect_run r where r.id = p_run_id;
    end if;
    return v_invoice_id;
end
$$;

-- Issues a draft invoice on a day: takes the provider's next number for that year (gapless: the counter moves in this
-- transaction), dates it (due on its earliest line's due date, not before the issue day), posts it to the ledger
-- (the member's receivable owes each class's revenue) and opens it.
create function dues.invoice_issue(p_invoice_id bigint, p_on date)
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
    if v_total <= 0 then
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
             group by l.class_id) x;
    v_tx := dues.ledger_post('invoice', pg_catalog.format('invoice %s-%s of provider %s to member %s',
                                                          v_year, v_seq, v_invoice.provider_id, v_invoice.member_id),
                             v_accounts, v_amounts);
    perform dues.ledger_book(v_tx, p_on, v_invoice.member_id, v_invoice.id);

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
    return dues.invoice_lock(v_invoice.id);
end
$$;

-- Applies the member's available credit in a currency (its balance minus what confirmed orders reserve) to its open
-- invoices, oldest due first, in one ledger transaction; an invoice settled in full is paid. Returns the invoices touched.
create function dues.member_settle(p_member_id bigint, p_currency char(3), p_on date)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_credit    bigint := dues.member_account_find(p_member_id, p_currency);
    v_available numeric;
    v_invoice   record;
    v_take      numeric;
    v_ids       bigint[] := array[]::bigint[];
    v_amounts   numeric[] := array[]::numeric[];
    v_total     numeric := 0;
    v_tx        bigint;
begin
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

-- Gives back to the member's credit up to p_amount of what its credit settled on invoices, newest due first
-- (paid invoices reopen); returns the amount given back.
create function dues.member_unapply(p_member_id bigint, p_currency char(3), p_amount numeric, p_on date, p_reason text)
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

-- Queues the invoice_issued e-mail of an invoice to the member's billing recipient; returns the outbox id.
create function dues.invoice_notify(p_invoice_id bigint, p_at timestamptz)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_invoice dues.invoice;
    v_member  dues.member;
    v_lines   text;
begin
    select i.* into strict v_invoice from dues.invoice i where i.id = p_invoice_id;
    select m.* into strict v_member from dues.member m where m.id = v_invoice.member_id;
    select pg_catalog.string_agg(pg_catalog.format('%s  %s %s', l.description, l.amount, v_invoice.currency), E'\n' order by l.id)
      into v_lines
      from dues.invoice_line l
     where l.invoice_id = v_invoice.id and not l.void;
    return dues.outbox_enqueue('email', 'invoice_issued', dues.billing_recipient(v_member.id),
        pg_catalog.jsonb_build_object(
            'name', v_member.name,
            'member_id', v_member.id,
            'invoice_id', v_invoice.id,
            'number', v_invoice.number,
            'provider', (select m.name from dues.member m where m.id = v_invoice.provider_id),
            'total', v_invoice.total,
            'amount_due', v_invoice.total - dues.invoice_settled(v_invoice.id),
            'currency', v_invoice.currency,
            'issue_date', v_invoice.issue_date,
            'due_date', v_invoice.due_date,
            'lines', v_lines),
        p_at);
end
$$;
