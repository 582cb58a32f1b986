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
