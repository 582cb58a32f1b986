-- The largest single amount dues accepts (a payment, refund, charge, price or dues), per currency, and balances that
-- cannot overflow: an account's balance is a sum of any number of postings, so it has no precision limit.

insert into dues.setting (name, value) values
    ('max_amount', '1000000.00')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU024', 422, 'amount above the largest amount accepted');

-- numeric(14,2) -> numeric needs no rewrite; postings keep two decimals, and so do their sums
alter table dues.ledger_account alter column balance type numeric;
alter table dues.ledger_account alter column balance set default 0.00;
comment on column dues.ledger_account.balance is
    'Sum of the account''s postings (kept by dues.ledger_post): no precision limit, so that no sequence of postings overflows it.';

-- a rule method may compute any amount (a price times a number of sessions): dues.rule_apply refuses it with a DU code
alter type dues.rule_result alter attribute amount type numeric;
