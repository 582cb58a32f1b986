-- Shared fixtures for the pgTAP suites: schema tests, fixture helpers (tests.fx_*) and the ledger teardown.

create schema if not exists tests;

create sequence if not exists tests.fx_seq;

-- A fingerprint of every table in schema dues, to prove a refused call changed nothing.
create or replace function tests.fx_state()
returns jsonb
language plpgsql
as $$
declare
    v_table record;
    v_hash  text;
    v_state jsonb := '{}';
begin
    for v_table in
        select c.relname
          from pg_catalog.pg_class c
         where c.relnamespace = 'dues'::regnamespace and c.relkind = 'r'
         order by c.relname
    loop
        execute format('select md5(coalesce(string_agg(t::text, %L order by t::text), %L)) from dues.%I t',
                       E'\n', '', v_table.relname)
           into v_hash;
        v_state := v_state || jsonb_build_object(v_table.relname, v_hash);
    end loop;
    return v_state;
end
$$;

-- A bare ledger account for ledger tests; returns its id.
create or replace function tests.fx_account(
    p_currency       char(3) default 'USD',
    p_allow_negative boolean default false,
    p_allow_positive boolean default true
)
returns bigint
language sql
as $$
    insert into dues.ledger_account (name, currency, allow_negative, allow_positive)
    values ('fx account ' || nextval('tests.fx_seq'), p_currency, p_allow_negative, p_allow_positive)
    returning id
$$;

-- The stored balance of a ledger account.
create or replace function tests.fx_balance(p_account_id bigint)
returns numeric
language sql
as $$
    select balance from dues.ledger_account where id = p_account_id
$$;

-- After every test: whatever the test did, the ledger must still be consistent.
create or replace function tests.teardown_ledger_balances()
returns setof text
language plpgsql
as $$
begin
    return next is_empty('select * from api.ledger_check()', 'the ledger is consistent after the test');
end
$$;
