-- Shared accounts keep no stored balance: the accounts that many members' transactions touch (a payment method's
-- processor account, a class's revenue account, a provider's bad debt account) had one balance row that every
-- payment, invoice and write-off updated, so their writers queued on it one commit at a time. Their balance is now
-- the sum of their postings (dues.ledger_balance), read from an index that holds the amounts; dues.ledger_post locks
-- such an account only when a posting moves it towards a sign it may not hold (a class giving revenue back), and then
-- checks the sum. Member credit and receivable accounts keep their stored balance, locked by each transaction.

alter table dues.ledger_account alter column balance drop not null;
comment on column dues.ledger_account.balance is
    'Sum of the account''s postings, kept by dues.ledger_post for accounts of one member (credit, receivable, and bare '
    'accounts); null on a shared account (processor, class revenue, bad debt: see dues.ledger_account_shared), whose '
    'balance is the sum of its postings, read with dues.ledger_balance. api.ledger_check compares both with the postings.';

update dues.ledger_account a
   set balance = null
 where a.payment_method is not null or a.class_id is not null or a.bad_debt_of is not null;

-- a shared account's balance is only ever derived; every other account keeps one
alter table dues.ledger_account
    add constraint ledger_account_shared_balance
        check ((balance is null) = (payment_method is not null or class_id is not null or bad_debt_of is not null));

-- the sum of an account's postings from the index alone (index-only scan: account_id, then the amounts)
create index ledger_posting_account_amount_idx on dues.ledger_posting (account_id) include (amount);
drop index dues.ledger_posting_account_idx;
