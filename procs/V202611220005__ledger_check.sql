-- api.ledger_check: recomputes the ledger from its postings and reports every inconsistency.

-- One row per inconsistency: unbalanced or short transactions, stale balances, broken sign rules.
create function api.ledger_check()
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
     order by 1, 2
$$;

comment on function api.ledger_check() is
$$Audits the double-entry ledger. Recomputes every account balance from its postings and returns one row per inconsistency found:
kind = unbalanced_transaction (postings of a transaction do not sum to zero in some currency), short_transaction (fewer than two postings),
balance_mismatch (stored balance differs from the sum of the account's postings) or sign_rule (an account holds a balance its sign rule forbids);
object names the row at fault and detail gives the numbers. An empty result means the ledger is consistent. Read-only; safe to call at any time.$$;
