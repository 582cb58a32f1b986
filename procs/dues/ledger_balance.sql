-- The balance of a ledger account: its stored balance, or for a shared account (no stored balance) the sum of its
-- postings, read from the index ledger_posting_account_amount_idx. Null for an unknown account.
create or replace function dues.ledger_balance(p_account_id bigint)
returns numeric
language sql
stable
set search_path = ''
as $$
    select coalesce(a.balance,
                    (select coalesce(pg_catalog.sum(p.amount), 0.00) from dues.ledger_posting p where p.account_id = a.id))
      from dues.ledger_account a
     where a.id = p_account_id
$$;
