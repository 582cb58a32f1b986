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
