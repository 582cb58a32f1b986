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

-- A member with a unique e-mail address; returns its id.
create or replace function tests.fx_member(p_name text default 'Ada Lovelace', p_kind text default 'person')
returns bigint
language sql
as $$
    select (api.member_create(p_name, 'fx' || nextval('tests.fx_seq') || '@example.org', p_kind)).id
$$;

-- A class under a rule with its class parameters; returns its id.
create or replace function tests.fx_class(p_rule text default 'free', p_params jsonb default '{}', p_currency text default 'USD')
returns bigint
language sql
as $$
    select (api.class_create('fx class ' || nextval('tests.fx_seq'), p_rule, p_params, p_currency)).id
$$;

-- An opened order of a member for a class; returns its id.
create or replace function tests.fx_order(p_member_id bigint, p_class_id bigint, p_params jsonb default '{}')
returns bigint
language sql
as $$
    select (api.subscription_request(p_member_id, p_class_id, p_params)).id
$$;

-- A manual payment without external reference; returns the payment id.
-- Tests that pay in several currencies pay in alphabetical order of currency, so that tests running
-- side by side lock the shared processor accounts in one order (their ids follow method, then currency).
create or replace function tests.fx_pay(p_member_id bigint, p_amount numeric, p_currency text default 'USD')
returns bigint
language sql
as $$
    select (api.register_payment(p_member_id, p_amount, p_currency)).id
$$;

-- An order paid for (exactly its amount) and confirmed; returns the order id.
create or replace function tests.fx_confirmed_order(p_member_id bigint, p_class_id bigint, p_params jsonb default '{}')
returns bigint
language plpgsql
as $$
declare
    v_order dues.subscription_order := api.subscription_request(p_member_id, p_class_id, p_params);
begin
    if v_order.amount > 0 then
        perform api.register_payment(p_member_id, v_order.amount, v_order.currency);
    end if;
    perform api.order_confirm(v_order.id);
    return v_order.id;
end
$$;

-- The state of an order, as text.
create or replace function tests.fx_order_state(p_order_id bigint)
returns text
language sql
as $$
    select state::text from dues.subscription_order where id = p_order_id
$$;

-- The stored balance of a member's credit account in a currency (0 when there is none).
create or replace function tests.fx_member_balance(p_member_id bigint, p_currency char(3) default 'USD')
returns numeric
language sql
as $$
    select coalesce((select balance from dues.ledger_account where member_id = p_member_id and currency = p_currency), 0)
$$;

-- How many ledger transactions exist (to prove something moved no money).
create or replace function tests.fx_ledger_transactions()
returns bigint
language sql
as $$
    select count(*) from dues.ledger_transaction
$$;

-- Acts as a member for the rest of the transaction: the settings dues.authenticate sets for a member's token,
-- without switching to role dues_member (under which pgTAP's own functions are not executable).
create or replace function tests.fx_as_member(p_member_id bigint)
returns void
language plpgsql
as $$
begin
    perform set_config('dues.member_id', p_member_id::text, true);
    perform set_config('dues.staff', 'false', true);
    perform set_config('dues.actor', 'member ' || p_member_id, true);
end
$$;

-- Acts as a request without a token for the rest of the transaction (settings only, as tests.fx_as_member).
create or replace function tests.fx_as_anonymous()
returns void
language plpgsql
as $$
begin
    perform set_config('dues.member_id', '', true);
    perform set_config('dues.staff', 'false', true);
    perform set_config('dues.actor', 'anonymous', true);
end
$$;

-- Acts as a request with a staff token for the rest of the transaction (settings only, as tests.fx_as_member).
create or replace function tests.fx_as_staff()
returns void
language plpgsql
as $$
begin
    perform set_config('dues.member_id', '', true);
    perform set_config('dues.staff', 'true', true);
    perform set_config('dues.actor', 'staff', true);
end
$$;

-- Who the transaction acts as: the role and the caller settings dues.caller_set keeps.
create or replace function tests.fx_caller()
returns jsonb
language sql
as $$
    select jsonb_build_object('role', current_setting('role'),
                              'current_user', current_user::text,
                              'member_id', current_setting('dues.member_id', true),
                              'staff', current_setting('dues.staff', true),
                              'actor', current_setting('dues.actor', true))
$$;

-- Runs a statement that switches role (dues.authenticate, dues.impersonate), then returns who the transaction
-- acts as (tests.fx_caller) and switches back to the test's role, so that the test can go on asserting with pgTAP.
-- The caller settings stay: the rest of the test acts as that caller.
create or replace function tests.fx_caller_after(p_sql text)
returns jsonb
language plpgsql
as $$
declare
    v_role text;
    v_user text;
begin
    execute p_sql;
    v_role := current_setting('role');
    v_user := current_user;
    reset role;
    return tests.fx_caller() || jsonb_build_object('role', v_role, 'current_user', v_user);
end
$$;

-- The error a statement raises, without its message: sqlstate, detail and hint (null when it raises none).
-- To prove two refusals cannot be told apart by anything but the id their message names.
create or replace function tests.fx_error(p_sql text)
returns jsonb
language plpgsql
as $$
declare
    v_state  text;
    v_detail text;
    v_hint   text;
begin
    execute p_sql;
    return null;
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    return jsonb_build_object('sqlstate', v_state, 'detail', v_detail, 'hint', v_hint);
end
$$;

-- The hash dues keeps of a token: the hex SHA-256 of its UTF-8 text.
create or replace function tests.fx_token_hash(p_token text)
returns text
language sql
as $$
    select encode(sha256(convert_to(p_token, 'UTF8')), 'hex')
$$;

-- A token stored directly (as api.token_create stores it, but it may already be expired): a member's,
-- or staff's when p_member_id is null; returns the row, whose token_hash dues.authenticate takes.
create or replace function tests.fx_token(p_member_id bigint default null, p_expires_at timestamptz default null)
returns dues.api_token
language sql
as $$
    insert into dues.api_token (token_hash, member_id, staff, expires_at)
    values (tests.fx_token_hash('fx token ' || nextval('tests.fx_seq')), p_member_id, p_member_id is null, p_expires_at)
    returning *
$$;

-- A role (manager or contributor) of a member on an organisation; returns its id.
create or replace function tests.fx_organization_role(p_member_id bigint, p_organization_id bigint, p_role text)
returns bigint
language sql
as $$
    insert into dues.organization_role (member_id, organization_id, role)
    values (p_member_id, p_organization_id, p_role)
    returning id
$$;

-- Membership (issue 6) ---------------------------------------------------------

-- A group of its own (a unique name and key); returns its id.
create or replace function tests.fx_group(p_linked_members_follow boolean default false)
returns bigint
language sql
as $$
    select (api.group_create('fx group ' || n, 'fx_group_' || n, p_linked_members_follow)).id
      from nextval('tests.fx_seq') n
$$;

-- The id of a named group (members, pending_payments, board).
create or replace function tests.fx_group_id(p_key text)
returns bigint
language sql
as $$
    select id from dues."group" where key = p_key
$$;

-- Today in the organisation's time zone (what the procedures call today).
create or replace function tests.fx_today()
returns date
language sql
as $$
    select dues.local_date(now())
$$;

-- Whether a member belongs to a named group on a day (today by default).
create or replace function tests.fx_in_group(p_member_id bigint, p_key text, p_on date default null)
returns boolean
language sql
as $$
    select dues.member_in_group(p_member_id, tests.fx_group_id(p_key), coalesce(p_on, tests.fx_today()))
$$;
