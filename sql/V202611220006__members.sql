-- Members, the ways they pay, and the payments registered on their ledger accounts.

-- A person or an organisation that subscribes and pays.
create table dues.member (
    id         bigint generated always as identity primary key,
    kind       text        not null check (kind in ('person', 'organization')),
    name       text        not null check (btrim(name) <> ''),
    email      text        not null check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    created_at timestamptz not null default now(),
    created_by text        not null default dues.actor()
);
comment on table dues.member is 'Members: people or organisations that subscribe to classes and pay.';

create unique index member_email_key on dues.member (lower(email));

create trigger member_forbid_delete
    before delete on dues.member
    for each row execute function dues.forbid_delete();
create trigger member_forbid_truncate
    before truncate on dues.member
    for each statement execute function dues.forbid_delete();

-- The ways money reaches dues from outside; each has a processor account per currency.
create table dues.payment_method (
    name       text primary key check (name ~ '^[a-z][a-z0-9_]*$'),
    title      text        not null,
    created_at timestamptz not null default now()
);
comment on table dues.payment_method is 'Payment methods (processors); money registered through one comes from its processor ledger account.';

insert into dues.payment_method (name, title) values
    ('manual', 'Registered by hand'),
    ('paypal', 'PayPal'),
    ('bank_transfer', 'Bank transfer'),
    ('cash', 'Cash');

-- Ledger account owners: a member's credit, a processor's clearing account (classes add theirs later).
alter table dues.ledger_account
    add column member_id      bigint references dues.member,
    add column payment_method text   references dues.payment_method,
    add constraint ledger_account_one_owner check (num_nonnulls(member_id, payment_method) <= 1);

create unique index ledger_account_member_key on dues.ledger_account (member_id, currency) where member_id is not null;
create unique index ledger_account_processor_key on dues.ledger_account (payment_method, currency) where payment_method is not null;

comment on column dues.ledger_account.member_id is
    'Set on a member''s credit account: money received from the member and not yet spent. Never negative.';
comment on column dues.ledger_account.payment_method is
    'Set on a processor''s clearing account: goes negative by what the processor has paid in.';

-- One processor account per method and currency, made up front so payments never race to create them.
insert into dues.ledger_account (name, currency, allow_negative, payment_method)
select 'processor ' || m.name || ' ' || c.code, c.code, true, m.name
  from dues.payment_method m
 cross join dues.currency c
 order by m.name, c.code;

-- Money received from outside and credited to a member, once per (method, external_ref).
create table dues.payment (
    id                    bigint generated always as identity primary key,
    member_id             bigint        not null references dues.member,
    amount                numeric(14,2) not null check (amount > 0),
    currency              char(3)       not null references dues.currency,
    method                text          not null references dues.payment_method,
    external_ref          text check (btrim(external_ref) <> ''),
    ledger_transaction_id bigint        not null unique references dues.ledger_transaction,
    created_at            timestamptz   not null default now(),
    created_by            text          not null default dues.actor(),
    constraint payment_external_ref_key unique (method, external_ref)
);
comment on table dues.payment is
    'Payments registered by api.register_payment; (method, external_ref) is unique so a replayed notification moves no money.';

create index payment_member_idx on dues.payment (member_id);

create trigger payment_forbid_delete
    before update or delete on dues.payment
    for each row execute function dues.forbid_delete();
create trigger payment_forbid_truncate
    before truncate on dues.payment
    for each statement execute function dues.forbid_delete();
