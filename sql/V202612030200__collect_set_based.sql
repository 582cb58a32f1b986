-- The collector set-based (issue 13, item 3): jobs.collect bills a whole batch of members in a few statements
-- (dues.collect_batch), one row of this type per invoice line it is about to write.
create type dues.collect_line as (
    seq                   int,            -- the member's place in the batch (the collector's order)
    member_id             bigint,
    provider_id           bigint,
    currency              char(3),
    kind                  text,           -- 'period', or the charge's kind
    class_id              bigint,
    class_subscription_id bigint,
    charge_id             bigint,
    description           text,
    period_of             date,
    period_start          date,
    period_end            date,
    due_date              date,
    amount                numeric,
    period_amount         numeric,
    ord                   int             -- order of the member's lines: periods by subscription and period, then charges
);
comment on type dues.collect_line is
    'An invoice line the collector is about to write for a member of a batch (dues.collect_batch).';

-- The collector issues a batch's invoices in one ledger transaction (one posting per member's receivable, one revenue
-- posting per class): that transaction is the issue_transaction_id of each of them.
alter table dues.invoice drop constraint invoice_issue_transaction_id_key;
create index invoice_issue_transaction_idx on dues.invoice (issue_transaction_id) where issue_transaction_id is not null;
comment on column dues.invoice.issue_transaction_id is
    'The ledger transaction that issued it: its own, or the one the collector posted for the invoices of a batch (shared by them).';
