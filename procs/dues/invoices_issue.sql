-- Issues draft invoices on a day, together (the collector issues a batch's invoices in one call):
-- numbers are taken once per provider and year for all of them (one move of the counter row, in this transaction: gapless,
-- and a rollback gives them back), in the order given; each is dated (due on its earliest line's due date, not before the
-- issue day), posted to the ledger (the member's receivable owes each class's revenue, net of its discount lines: one
-- ledger transaction for them all, one posting per receivable and one per class) and opened; an invoice its discounts
-- bring to 0 is issued paid, moving no money. DUB11 when one is not a draft or has no lines
-- (nothing is issued then). The caller holds the members' locks. Returns the invoices issued.
create or replace function dues.invoices_issue(p_invoice_ids bigint[], p_on date)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_year     int := extract(year from p_on)::int;
    v_bad      record;
    v_invoice  record;
    v_accounts bigint[];
    v_amounts  numeric[];
    v_tx       bigint;
    v_seqs     int[];
    v_moving   int;
    v_single   int;
    v_count    int;
    v_lines    int[];       -- each invoice's lines not void, its total and its earliest due date, in the order given:
    v_totals   numeric[];   -- summed once here for the checks, the ledger and the invoice itself
    v_dues     date[];
begin
    if coalesce(pg_catalog.cardinality(p_invoice_ids), 0) = 0 then
        return 0;
    end if;
    perform from dues.invoice i where i.id = any (p_invoice_ids) order by i.id for update;
    select x.id into v_bad
      from pg_catalog.unnest(p_invoice_ids) with ordinality x(id, n)
     where not exists (select from dues.invoice i where i.id = x.id)
     order by x.n
     limit 1;
    if found then
        raise exception 'invoice % not found', v_bad.id
            using errcode = 'DUB01';
    end if;
    for v_bad in
        select i.id, i.status
          from pg_catalog.unnest(p_invoice_ids) with ordinality x(id, n)
          join dues.invoice i on i.id = x.id
         where i.status <> 'draft'
         order by x.n
         limit 1
    loop
        raise exception 'invoice % is %, only a draft can be issued', v_bad.id, v_bad.status
            using errcode = 'DUB11';
    end loop;
    select pg_catalog.array_agg(t.lines order by x.n), pg_catalog.array_agg(t.total order by x.n),
           pg_catalog.array_agg(t.due order by x.n)
      into v_lines, v_totals, v_dues
      from pg_catalog.unnest(p_invoice_ids) with ordinality x(id, n)
      cross join lateral (select pg_catalog.count(*)::int as lines, coalesce(pg_catalog.sum(l.amount), 0) as total,
                                 pg_catalog.min(l.due_date) as due
                            from dues.invoice_line l
                           where l.invoice_id = x.id and not l.void) t;
    for v_bad in
        select x.id
          from unnest(p_invoice_ids, v_lines, v_totals) with ordinality x(id, lines, total, n)
         where x.lines = 0 or x.total < 0
         order by x.n
         limit 1
    loop
        raise exception 'invoice % has no lines to issue', v_bad.id
            using errcode = 'DUB11';
    end loop;

    -- the numbers: one move of each provider's counter for the year, handed out in the order given
    with given as (
        select x.id, x.n, i.provider_id,
               pg_catalog.row_number() over (partition by i.provider_id order by x.n) as k,
               pg_catalog.count(*) over (partition by i.provider_id) as taken
          from pg_catalog.unnest(p_invoice_ids) with ordinality x(id, n)
          join dues.invoice i on i.id = x.id
    ),
    counter as (
        insert into dues.invoice_counter as c (provider_id, year, last_number)
        select g.provider_id, v_year, g.taken
          from given g
         where g.k = 1
         order by g.provider_id
        on conflict (provider_id, year) do update set last_number = c.last_number + excluded.last_number
        returning c.provider_id, c.last_number
    )
    select pg_catalog.array_agg((c.last_number - g.taken + g.k)::int order by g.n)
      into v_seqs
      from given g
      join counter c on c.provider_id = g.provider_id;

    -- the ledger: the member's receivable owes each class's revenue. Several invoices that move money are posted in one
    -- transaction: one posting per member's receivable, one revenue posting per class (and so per provider); one invoice
    -- alone keeps a transaction of its own (memo and booking naming it)
    with moving as (
        select x.id, x.n, i.member_id, i.currency, x.total
          from unnest(p_invoice_ids, v_totals) with ordinality x(id, total, n)
          join dues.invoice i on i.id = x.id
         where x.total > 0
    ),
    postings as (
        select 0 as part, pg_catalog.min(m.n) as n, dues.receivable_account(m.member_id, m.currency) as account_id,
               -pg_catalog.sum(m.total) as amount
          from moving m
         group by m.member_id, m.currency
        union all
        select 1, l.class_id, dues.class_account(l.class_id), pg_catalog.sum(l.amount)
          from moving m
          join dues.invoice_line l on l.invoice_id = m.id and not l.void
         -- by currency too: a line in another currency than its class's account is then refused (DU040) as it was
         -- invoice by invoice, not netted against another
         group by l.class_id, m.currency
        having pg_catalog.sum(l.amount) <> 0
    )
    select pg_catalog.array_agg(p.account_id order by p.part, p.n), pg_catalog.array_agg(p.amount order by p.part, p.n),
           (select pg_catalog.count(*) from moving)::int,
           (select pg_catalog.min(m.n) from moving m)::int
      into v_accounts, v_amounts, v_moving, v_single
      from postings p;
    if v_moving = 1 then
        select i.member_id, i.provider_id into v_invoice from dues.invoice i where i.id = p_invoice_ids[v_single];
        v_tx := dues.ledger_post('invoice', pg_catalog.format('invoice %s-%s of provider %s to member %s',
                                                              v_year, v_seqs[v_single], v_invoice.provider_id, v_invoice.member_id),
                                 v_accounts, v_amounts);
        perform dues.ledger_book(v_tx, p_on, v_invoice.member_id, p_invoice_ids[v_single]);
    elsif v_moving > 1 then
        v_tx := dues.ledger_post('invoice', pg_catalog.format('invoices issued on %s', p_on),
                                 v_accounts, v_amounts);
        perform dues.ledger_book(v_tx, p_on, null, null);
    end if;

    update dues.invoice i
       set number_year = v_year,
           number_seq = x.seq,
           number = v_year || '-' || pg_catalog.lpad(x.seq::text, 6, '0'),
           issue_date = p_on,
           due_date = greatest(p_on, x.due),
           total = x.total,
           issue_transaction_id = case when x.total > 0 then v_tx end,
           status = 'open'
      from unnest(p_invoice_ids, v_seqs, v_totals, v_dues) x(id, seq, total, due)
     where i.id = x.id;
    insert into dues.invoice_status_change (invoice_id, from_status, to_status, changed_on, reason)
    select x.id, 'draft', 'open', p_on, 'issued'
      from pg_catalog.unnest(p_invoice_ids) with ordinality x(id, n)
     order by x.n;
    get diagnostics v_count = row_count;
    -- a fully discounted invoice (total 0) moves no money: it is issued paid, without a ledger transaction
    perform dues.invoice_set_status(i.id, 'paid', p_on, 'fully discounted: nothing to pay')
       from dues.invoice i
      where i.id = any (p_invoice_ids) and i.total = 0;
    return v_count;
end
$$;
