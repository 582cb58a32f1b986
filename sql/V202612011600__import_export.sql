-- Members and money in and out: CSV imports (members, subscriptions, opening balances, bank statements), the bank lines
-- of imported statements that wait for staff, and the erasure of a person's data.

-- Opening balances: a member's credit carried over from the books kept before dues, one per member and currency, booked
-- (dues.ledger_booking) on the day the file gives. Its money comes from the currency's opening_balance account.
create table dues.opening_balance (
    id                    bigint generated always as identity primary key,
    member_id             bigint        not null references dues.member,
    currency              char(3)       not null references dues.currency,
    amount                numeric(14,2) not null check (amount > 0),
    booked_on             date          not null,
    ledger_transaction_id bigint        not null unique references dues.ledger_transaction,
    created_at            timestamptz   not null default now(),
    created_by            text          not null default dues.actor(),
    constraint opening_balance_key unique (member_id, currency)
);
comment on table dues.opening_balance is
    'Opening balances imported with api.import_balances: credit a member had before dues kept its books, one per member and '
    'currency, moved from the currency''s opening_balance account to the member''s credit account on booked_on.';

-- The opening_balance account of every currency, made up front (as processor accounts are); it goes negative by what
-- members were owed when dues took over the books.
alter table dues.ledger_account add column opening_balance boolean not null default false;
comment on column dues.ledger_account.opening_balance is
    'True on the opening_balance account of a currency: the other side of every opening balance (negative by their sum).';
create unique index ledger_account_opening_balance_key on dues.ledger_account (currency) where opening_balance;
insert into dues.ledger_account (name, currency, allow_negative, allow_positive, opening_balance)
select 'opening_balance ' || c.code, c.code, true, false, true
  from dues.currency c
 order by c.code
on conflict do nothing;

-- The bank is a provider whose ids are the payer names of bank statements: staff assigning a line teaches dues whose
-- name it is, as a webhook event matched by e-mail teaches it a Stripe customer id.
alter table dues.member_provider_ref drop constraint member_provider_ref_provider_check;
alter table dues.member_provider_ref add constraint member_provider_ref_provider_check
    check (provider in ('stripe', 'gocardless', 'paypal', 'bank'));

-- One line of an imported bank statement: money received, once per reference. Matched like payment notifications (the
-- payer as a bank id some member holds, then the payer's e-mail; never guessed), it becomes a payment (method
-- bank_transfer, external_ref the reference); unmatched and ambiguous lines wait for staff (api.bank_line_assign).
create table dues.bank_line (
    id          bigint generated always as identity primary key,
    booked_on   date          not null,
    amount      numeric(14,2) not null check (amount > 0),
    currency    char(3)       not null references dues.currency,
    reference   text          not null check (btrim(reference) <> '' and length(reference) <= 255),
    payer       text          not null,
    state       text          not null check (state in ('unmatched', 'ambiguous', 'matched', 'assigned')),
    member_id   bigint references dues.member,
    payment_id  bigint unique references dues.payment,
    note        text,
    imported_at timestamptz   not null default now(),
    imported_by text          not null default dues.actor(),
    assigned_at timestamptz,
    assigned_by text,
    constraint bank_line_reference_key unique (reference),
    constraint bank_line_paid check ((state in ('matched', 'assigned')) = (payment_id is not null)),
    constraint bank_line_assigned check ((state = 'assigned') = (assigned_at is not null and assigned_by is not null))
);
comment on table dues.bank_line is
    'Lines of bank statements imported with api.import_payments, once per reference. state: matched (its payer is one '
    'member''s bank id or e-mail: paid as payment_id), assigned (staff named the member: api.bank_line_assign), unmatched '
    '(no member has its payer), ambiguous (several have it: never guessed). note says why.';
create index bank_line_state_idx on dues.bank_line (state, id);

-- A bank line as staff list it.
create type dues.bank_line_view as (
    id          bigint,
    booked_on   date,
    amount      numeric(14,2),
    currency    char(3),
    reference   text,
    payer       text,
    state       text,
    member_id   bigint,
    payment_id  bigint,
    note        text,
    imported_at timestamptz,
    assigned_at timestamptz,
    assigned_by text
);

-- Erased people: when and by whom; the erasure's reason is in the audit log.
alter table dues.member add column erased_at timestamptz;
comment on column dues.member.erased_at is
    'When api.member_erase replaced the member''s personal data by placeholders (the member id, its ledger, invoices and '
    'payments stay).';

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU650', 422, 'import file has bad lines'),
    ('DU651', 404, 'bank line not found'),
    ('DU652', 409, 'bank line is paid already'),
    ('DU653', 409, 'member cannot be erased now'),
    ('DU654', 409, 'member is erased');

-- One record of a CSV file as dues.csv_parse reads it: its number, the line it starts on, its length, its fields as
-- written (without their quotes; null where a field could not be read) and what is wrong with its quoting.
create type dues.csv_record as (
    n          int,
    line       int,
    raw_length bigint,
    vals       text[],
    problems   jsonb
);

-- A record of a CSV file as dues.csv_parse answers it (line, fields, errors), kept in an array by dues.import_file.
create type dues.csv_parse_row as (
    line   int,
    fields jsonb,
    errors jsonb
);
