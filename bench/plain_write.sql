-- The limit of a write for bench/run's plain_write workload: one PL/pgSQL function that inserts one
-- posting-sized row and updates one per-member row, i.e. the least a payment can do. Made in schema
-- bench of the scratch database (never in a real one); one balance row per member of dues.member.
create schema if not exists bench;

create table if not exists bench.plain_posting (
    id         bigint generated always as identity primary key,
    account_id bigint        not null,
    amount     numeric(14,2) not null,
    currency   char(3)       not null,
    created_at timestamptz   not null default now()
);
create index if not exists plain_posting_account_idx on bench.plain_posting (account_id);

create table if not exists bench.plain_balance (
    member_id bigint primary key,
    balance   numeric not null default 0
);
insert into bench.plain_balance (member_id)
select m.id from dues.member m
on conflict do nothing;

create or replace function bench.plain_write(p_member_id bigint, p_amount numeric)
returns bigint
language plpgsql
as $$
declare
    v_id bigint;
begin
    insert into bench.plain_posting (account_id, amount, currency)
    values (p_member_id, p_amount, 'USD')
    returning id into v_id;
    update bench.plain_balance set balance = balance + p_amount where member_id = p_member_id;
    return v_id;
end
$$;

-- Two more limits, between plain_write and api.register_payment, to show where a payment's cost is:
--
-- plain_payment: the five rows a payment writes (a ledger transaction, its two postings, the member's balance, the
-- payment), on tables with a primary key and nothing else.
create table if not exists bench.plain_transaction (
    id         bigint generated always as identity primary key,
    kind       text        not null,
    memo       text,
    created_at timestamptz not null default now()
);
create table if not exists bench.plain_payment (
    id             bigint generated always as identity primary key,
    member_id      bigint        not null,
    amount         numeric(14,2) not null,
    currency       char(3)       not null,
    method         text          not null,
    transaction_id bigint        not null,
    created_at     timestamptz   not null default now()
);

create or replace function bench.plain_payment(p_member_id bigint, p_amount numeric)
returns bigint
language plpgsql
as $$
declare
    v_transaction bigint;
    v_id          bigint;
begin
    insert into bench.plain_transaction (kind, memo) values ('payment', 'plain payment') returning id into v_transaction;
    insert into bench.plain_posting (account_id, amount, currency)
    values (0, -p_amount, 'USD'), (p_member_id, p_amount, 'USD');
    update bench.plain_balance set balance = balance + p_amount where member_id = p_member_id;
    insert into bench.plain_payment (member_id, amount, currency, method, transaction_id)
    values (p_member_id, p_amount, 'USD', 'manual', v_transaction)
    returning id into v_id;
    return v_id;
end
$$;

-- payment_writes: the same writes on dues' own tables (their checks, indexes, foreign keys, triggers and defaults),
-- with none of api.register_payment's rules: no member lock, no argument or amount check, no idempotence, no
-- settling of invoices. The ledger stays balanced (the processor's account keeps no stored balance; the member's
-- is updated as dues.ledger_post updates it), so api.ledger_check() stays empty after it.
select dues.processor_account('manual', 'USD');
select count(dues.member_account(m.id, 'USD')) from dues.member m;

create or replace function bench.payment_writes(p_member_id bigint, p_amount numeric)
returns bigint
language plpgsql
as $$
declare
    v_account     bigint;
    v_processor   bigint;
    v_transaction bigint;
    v_id          bigint;
begin
    select a.id into v_account from dues.ledger_account a where a.member_id = p_member_id and a.currency = 'USD';
    select a.id into v_processor from dues.ledger_account a where a.payment_method = 'manual' and a.currency = 'USD';
    -- as dues.ledger_post writes them: its rows skip the deferred balance checks (it checks before writing)
    perform set_config('dues.ledger_post', 'on', true);
    insert into dues.ledger_transaction (kind, memo) values ('payment', 'payment_writes') returning id into v_transaction;
    insert into dues.ledger_posting (transaction_id, account_id, amount, currency)
    values (v_transaction, v_processor, -p_amount, 'USD'), (v_transaction, v_account, p_amount, 'USD');
    perform set_config('dues.ledger_post', 'off', true);
    update dues.ledger_account set balance = balance + p_amount where id = v_account;
    insert into dues.payment (member_id, amount, currency, method, ledger_transaction_id)
    values (p_member_id, p_amount, 'USD', 'manual', v_transaction)
    returning id into v_id;
    return v_id;
end
$$;
