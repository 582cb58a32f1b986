-- Baseline: the double-entry ledger (accounts, transactions, postings).

-- The double-entry ledger: accounts, transactions and their immutable postings.

-- dues.actor is called below (a column default), so it is created here as it was in the log;
-- procs/dues/actor.sql defines it, and dues migrate applies procs/ after sql/.
create function dues.actor()
returns text
language sql
stable
set search_path = ''
as $$
    select coalesce(nullif(pg_catalog.current_setting('dues.actor', true), ''), session_user::text)
$$;

-- An account holds money in one currency; its balance is the sum of its postings.
create table dues.ledger_account (
    id             bigint generated always as identity primary key,
    name           text          not null unique check (btrim(name) <> ''),
    currency       char(3)       not null references dues.currency,
    balance        numeric(14,2) not null default 0,
    allow_negative boolean       not null default false,
    allow_positive boolean       not null default true,
    created_at     timestamptz   not null default now(),
    created_by     text          not null default dues.actor(),
    unique (id, currency),
    constraint ledger_account_negative check (allow_negative or balance >= 0),
    constraint ledger_account_positive check (allow_positive or balance <= 0)
);
comment on table dues.ledger_account is
    'Ledger accounts. balance is a cache of the sum of the account''s postings, kept by dues.ledger_post and checked by api.ledger_check().';

-- A transaction groups two or more postings that sum to zero in each currency.
create table dues.ledger_transaction (
    id         bigint generated always as identity primary key,
    kind       text        not null check (kind ~ '^[a-z][a-z0-9_]*$'),
    memo       text,
    created_at timestamptz not null default now(),
    created_by text        not null default dues.actor()
);
comment on table dues.ledger_transaction is 'One movement of money: two or more postings summing to zero per currency. Immutable.';

-- A posting moves an amount into (positive) or out of (negative) one account.
create table dues.ledger_posting (
    id             bigint generated always as identity primary key,
    transaction_id bigint        not null references dues.ledger_transaction,
    account_id     bigint        not null,
    amount         numeric(14,2) not null check (amount <> 0),
    currency       char(3)       not null,
    created_at     timestamptz   not null default now(),
    -- the posting's currency is its account's currency
    foreign key (account_id, currency) references dues.ledger_account (id, currency)
);
comment on table dues.ledger_posting is 'One line of a ledger transaction. Immutable: corrections are reversing transactions.';

create index ledger_posting_transaction_idx on dues.ledger_posting (transaction_id);
create index ledger_posting_account_idx on dues.ledger_posting (account_id);
