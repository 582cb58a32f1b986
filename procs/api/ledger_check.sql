-- One row per inconsistency of the ledger and of the invoices posted to it.
create or replace function api.ledger_check()
returns table (kind text, object text, detail text)
language sql
stable
security definer
set search_path = ''
as $$
    with tx as (
        select t.id, p.currency, pg_catalog.sum(p.amount) as total, pg_catalog.count(p.id) as postings
          from dues.ledger_transaction t
          left join dues.ledger_posting p on p.transaction_id = t.id
         group by t.id, p.currency
    ),
    tx_count as (
        select tx.id, pg_catalog.sum(tx.postings) as postings
          from tx
         group by tx.id
    ),
    invoice as (
        select i.id, i.member_id, i.currency, i.status, i.total, i.issue_transaction_id, i.void_transaction_id,
               coalesce(s.settled, 0) as settled, coalesce(s.n, 0) as settlements, coalesce(s.written_off, false) as written_off,
               coalesce((select pg_catalog.sum(l.amount) from dues.invoice_line l where l.invoice_id = i.id and not l.void), 0) as lines
          from dues.invoice i
          left join (select x.invoice_id, pg_catalog.sum(x.amount) as settled, pg_catalog.count(*) as n,
                            pg_catalog.bool_or(x.kind = 'write_off') as written_off
                       from dues.settlement x
                      group by x.invoice_id) s on s.invoice_id = i.id
    ),
    account as (
        select a.id, a.name, a.currency, a.balance, a.allow_negative, a.allow_positive,
               coalesce((select pg_catalog.sum(p.amount)
                                      from dues.ledger_posting p
                                     where p.account_id = a.id), 0) as derived
          from dues.ledger_account a
    )
    select 'unbalanced_transaction',
           'ledger_transaction ' || tx.id,
           pg_catalog.format('%s postings sum to %s, not 0', tx.currency, tx.total)
      from tx
     where tx.total <> 0
    union all
    select 'short_transaction',
           'ledger_transaction ' || c.id,
           pg_catalog.format('%s posting(s), at least 2 needed', c.postings)
      from tx_count c
     where c.postings < 2
    union all
    select 'balance_mismatch',
           'ledger_account ' || a.id,
           pg_catalog.format('%s: stored balance %s %s, postings sum to %s', a.name, a.balance, a.currency, a.derived)
      from account a
     where a.balance <> a.derived
    union all
    select 'sign_rule',
           'ledger_account ' || a.id,
           pg_catalog.format('%s: postings sum to %s %s, which the account does not allow', a.name, a.derived, a.currency)
      from account a
     where (not a.allow_negative and a.derived < 0)
        or (not a.allow_positive and a.derived > 0)
    union all
    -- an invoice whose status disagrees with what settled it
    select 'invoice_status',
           'invoice ' || i.id,
           pg_catalog.format('status %s, total %s %s, settled %s%s', i.status, i.total, i.currency, i.settled,
                             case when i.written_off then ' (written off)' else '' end)
      from invoice i
     where case i.status
               when 'draft' then i.settled <> 0 or i.settlements > 0 or i.issue_transaction_id is not null
               when 'open' then i.settled < 0 or i.settled >= i.total or i.written_off
               when 'paid' then i.settled <> i.total or i.written_off
               when 'uncollectible' then i.settled <> i.total or not i.written_off
               when 'void' then i.settled <> 0 or (i.issue_transaction_id is not null and i.void_transaction_id is null)
           end
    union all
    -- an issued invoice whose total is not the sum of its lines
    select 'invoice_total',
           'invoice ' || i.id,
           pg_catalog.format('total %s %s, lines sum to %s', i.total, i.currency, i.lines)
      from invoice i
     where i.status in ('open', 'paid', 'uncollectible') and i.total <> i.lines
    union all
    -- a member's receivable that is not minus what its invoices still ask
    select 'receivable_mismatch',
           'ledger_account ' || a.id,
           pg_catalog.format('%s: balance %s %s, open invoices ask %s', a.name, a.balance, a.currency, coalesce(r.due, 0))
      from dues.ledger_account a
      left join (select i.member_id, i.currency, pg_catalog.sum(i.total - i.settled) as due
                   from invoice i
                  where i.status in ('open', 'paid', 'uncollectible')
                  group by i.member_id, i.currency) r
        on r.member_id = a.receivable_of and r.currency = a.currency
     where a.receivable_of is not null and a.balance <> -coalesce(r.due, 0)
     order by 1, 2
$$;

comment on function api.ledger_check() is
$$Audits the double-entry ledger and the invoices posted to it. Recomputes every account balance from its postings and returns one row
per inconsistency found: kind = unbalanced_transaction (postings of a transaction do not sum to zero in some currency), short_transaction
(fewer than two postings), balance_mismatch (an account that keeps a stored balance, a member's credit or receivable, whose balance differs
from the sum of its postings), sign_rule (an account, shared ones included, whose sum of postings its sign rule forbids; a shared account,
a processor, class revenue or bad debt account, keeps no stored balance: its balance is that sum), invoice_status (an invoice whose status disagrees with what settled it: open but settled in full, paid but
not settled in full, uncollectible without a write-off, void with money still applied, a draft with settlements), invoice_total (an
issued invoice whose total is not the sum of its lines) or receivable_mismatch (a member's receivable account that is not minus what its
invoices still ask); object names the row at fault and detail gives the numbers. An empty result means everything is consistent.
Read-only; safe to call at any time.$$;

grant execute on function api.ledger_check() to dues_staff;
