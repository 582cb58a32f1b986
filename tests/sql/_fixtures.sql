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

-- The balance of a ledger account: stored, or the sum of its postings for a shared account.
create or replace function tests.fx_balance(p_account_id bigint)
returns numeric
language sql
as $$
    select dues.ledger_balance(p_account_id)
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
    select (api.class_subscription_request(p_member_id, p_class_id, p_params)).id
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
    v_order dues.subscription_order := api.class_subscription_request(p_member_id, p_class_id, p_params);
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

-- A role (manager or contributor) of a member on an organization; returns its id.
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

-- Today in the organization's time zone (what the procedures call today).
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

-- A payment (method manual) registered at a given moment, for tests that move the clock: the ledger transfer
-- register_payment makes, and the payment row with its created_at in the past or future; returns the payment id.
create or replace function tests.fx_pay_at(p_member_id bigint, p_at timestamptz, p_amount numeric default 25, p_currency char(3) default 'USD')
returns bigint
language sql
as $$
    insert into dues.payment (member_id, amount, currency, method, ledger_transaction_id, created_at)
    values (p_member_id, p_amount, p_currency, 'manual',
            dues.ledger_transfer(dues.processor_account('manual', p_currency), dues.member_account(p_member_id, p_currency),
                                 p_amount, 'payment', 'fx payment'),
            p_at)
    returning id
$$;

-- A member that joined (api.membership_join) and waits for its first payment; returns its id.
create or replace function tests.fx_joined_member(p_name text default 'Ada Lovelace')
returns bigint
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member(p_name);
begin
    perform api.membership_join(v_member);
    return v_member;
end
$$;

-- The messages queued to a recipient with a template, oldest first.
create or replace function tests.fx_outbox(p_template text, p_recipient text default null)
returns setof dues.outbox
language sql
as $$
    select * from dues.outbox
     where template = p_template and (p_recipient is null or recipient = p_recipient)
     order by id
$$;

-- A member's e-mail address.
create or replace function tests.fx_email(p_member_id bigint)
returns text
language sql
as $$
    select email from dues.member where id = p_member_id
$$;

-- A value url-encoded as PayPal encodes a form in windows-1252 (space as +).
create or replace function tests.fx_url_encode(p_text text)
returns text
language sql
as $$
    select coalesce(string_agg(case when b between 48 and 57 or b between 65 and 90 or b between 97 and 122 or b in (45, 46, 95, 42)
                                    then chr(b)
                                    when b = 32 then '+'
                                    else '%' || upper(lpad(to_hex(b), 2, '0')) end, '' order by i), '')
      from (select get_byte(v, i) as b, i
              from convert_to(p_text, 'WIN1252') v, generate_series(0, length(convert_to(p_text, 'WIN1252')) - 1) i) x
$$;

-- A transaction id unique to the test, shaped like PayPal's (17 upper-case hex digits).
create or replace function tests.fx_txn()
returns text
language sql
as $$
    select upper(lpad(to_hex(nextval('tests.fx_seq')), 17, '0'))
$$;

-- The body of a PayPal IPN message as PayPal posts it (form-encoded, windows-1252, its fields in its order) of a kind:
-- subscr_signup, subscr_payment, subscr_cancel, subscr_failed, subscr_eot, web_accept, or refund (a Refunded payment).
-- p_overrides: name, value pairs that replace fields (or are appended); a null value drops the field.
create or replace function tests.fx_ipn_body(p_kind text, p_payer text, p_txn_id text default null, p_overrides text[] default '{}')
returns bytea
language plpgsql
as $$
declare
    v_subscr text := 'I-' || upper(lpad(to_hex(nextval('tests.fx_seq')), 12, '0'));
    v_fields text[];
    v_out    text[] := '{}';
    i        int;
    j        int;
    v_value  text;
begin
    v_fields := case p_kind
        when 'subscr_signup' then array[
            'txn_type', 'subscr_signup', 'subscr_id', v_subscr, 'last_name', 'Lovelace', 'residence_country', 'US',
            'mc_currency', 'USD', 'item_name', 'Membership', 'business', 'payments@example.org', 'amount3', '25.00',
            'recurring', '1', 'verify_sign', 'AFcWxV21C7fd0v3bYYYRCpSSRl31A8dKCXmXyp3mxm1YQ5bWp5YZ1bvR', 'payer_status', 'verified',
            'payer_email', p_payer, 'first_name', 'Ada', 'receiver_email', 'payments@example.org', 'payer_id', 'LPLWNMTBWMFAY',
            'reattempt', '1', 'item_number', '1', 'subscr_date', '20:12:50 Jan 13, 2026 PST', 'charset', 'windows-1252',
            'notify_version', '3.9', 'period3', '1 M', 'mc_amount3', '25.00', 'ipn_track_id', '7f5b3e0a1c2d4']
        when 'subscr_payment' then array[
            'mc_gross', '25.00', 'protection_eligibility', 'Eligible', 'payer_id', 'LPLWNMTBWMFAY',
            'payment_date', '20:12:59 Jan 13, 2026 PST', 'payment_status', 'Completed', 'charset', 'windows-1252',
            'first_name', 'Ada', 'mc_fee', '1.03', 'notify_version', '3.9', 'subscr_id', v_subscr, 'payer_status', 'verified',
            'business', 'payments@example.org', 'verify_sign', 'AFcWxV21C7fd0v3bYYYRCpSSRl31A8dKCXmXyp3mxm1YQ5bWp5YZ1bvR',
            'payer_email', p_payer, 'txn_id', p_txn_id, 'payment_type', 'instant', 'last_name', 'Lovelace',
            'receiver_email', 'payments@example.org', 'payment_fee', '1.03', 'receiver_id', 'S8XGHLYDW9T3S',
            'txn_type', 'subscr_payment', 'item_name', 'Membership', 'mc_currency', 'USD', 'item_number', '1',
            'residence_country', 'US', 'transaction_subject', 'Membership', 'payment_gross', '25.00', 'ipn_track_id', '8a6c4f1b2d3e5']
        when 'web_accept' then array[
            'mc_gross', '25.00', 'protection_eligibility', 'Eligible', 'payer_id', 'LPLWNMTBWMFAY', 'tax', '0.00',
            'payment_date', '09:41:12 Feb 02, 2026 PST', 'payment_status', 'Completed', 'charset', 'windows-1252',
            'first_name', 'Ada', 'mc_fee', '1.03', 'notify_version', '3.9', 'custom', '', 'payer_status', 'verified',
            'business', 'payments@example.org', 'quantity', '1', 'verify_sign', 'AFcWxV21C7fd0v3bYYYRCpSSRl31A8dKCXmXyp3mxm1YQ5bWp5YZ1bvR',
            'payer_email', p_payer, 'txn_id', p_txn_id, 'payment_type', 'instant', 'last_name', 'Lovelace',
            'receiver_email', 'payments@example.org', 'payment_fee', '1.03', 'receiver_id', 'S8XGHLYDW9T3S',
            'txn_type', 'web_accept', 'item_name', 'Donation', 'mc_currency', 'USD', 'item_number', '',
            'residence_country', 'US', 'handling_amount', '0.00', 'transaction_subject', '', 'payment_gross', '25.00',
            'shipping', '0.00', 'ipn_track_id', '9b7d5a2c3e4f6']
        when 'subscr_cancel' then array[
            'txn_type', 'subscr_cancel', 'subscr_id', v_subscr, 'last_name', 'Lovelace', 'residence_country', 'US',
            'mc_currency', 'USD', 'item_name', 'Membership', 'business', 'payments@example.org', 'amount3', '25.00',
            'recurring', '1', 'verify_sign', 'AFcWxV21C7fd0v3bYYYRCpSSRl31A8dKCXmXyp3mxm1YQ5bWp5YZ1bvR', 'payer_status', 'verified',
            'payer_email', p_payer, 'first_name', 'Ada', 'receiver_email', 'payments@example.org', 'payer_id', 'LPLWNMTBWMFAY',
            'reattempt', '1', 'item_number', '1', 'subscr_date', '11:03:21 Mar 02, 2026 PST', 'charset', 'windows-1252',
            'notify_version', '3.9', 'period3', '1 M', 'mc_amount3', '25.00', 'ipn_track_id', 'ac8e6b3d4f5a7']
        when 'subscr_failed' then array[
            'txn_type', 'subscr_failed', 'subscr_id', v_subscr, 'last_name', 'Lovelace', 'residence_country', 'US',
            'mc_currency', 'USD', 'item_name', 'Membership', 'business', 'payments@example.org', 'amount3', '25.00',
            'verify_sign', 'AFcWxV21C7fd0v3bYYYRCpSSRl31A8dKCXmXyp3mxm1YQ5bWp5YZ1bvR', 'payer_status', 'verified',
            'payer_email', p_payer, 'first_name', 'Ada', 'receiver_email', 'payments@example.org', 'payer_id', 'LPLWNMTBWMFAY',
            'retry_at', '03:00:00 Mar 18, 2026 PDT', 'item_number', '1', 'payment_gross', '25.00', 'charset', 'windows-1252',
            'notify_version', '3.9', 'mc_gross', '25.00', 'ipn_track_id', 'bd9f7c4e5a6b8']
        when 'subscr_eot' then array[
            'txn_type', 'subscr_eot', 'subscr_id', v_subscr, 'last_name', 'Lovelace', 'residence_country', 'US',
            'item_name', 'Membership', 'mc_currency', 'USD', 'business', 'payments@example.org',
            'verify_sign', 'AFcWxV21C7fd0v3bYYYRCpSSRl31A8dKCXmXyp3mxm1YQ5bWp5YZ1bvR', 'payer_status', 'verified',
            'payer_email', p_payer, 'first_name', 'Ada', 'receiver_email', 'payments@example.org', 'payer_id', 'LPLWNMTBWMFAY',
            'item_number', '1', 'charset', 'windows-1252', 'notify_version', '3.9', 'ipn_track_id', 'ce0a8d5f6b7c9']
        when 'refund' then array[
            'mc_gross', '-25.00', 'protection_eligibility', 'Eligible', 'payer_id', 'LPLWNMTBWMFAY', 'address_street', '1 Main St',
            'payment_date', '08:15:42 Apr 07, 2026 PDT', 'payment_status', 'Refunded', 'charset', 'windows-1252',
            'first_name', 'Ada', 'mc_fee', '-0.73', 'notify_version', '3.9', 'subscr_id', v_subscr, 'reason_code', 'refund',
            'payer_status', 'verified', 'business', 'payments@example.org',
            'verify_sign', 'AFcWxV21C7fd0v3bYYYRCpSSRl31A8dKCXmXyp3mxm1YQ5bWp5YZ1bvR', 'payer_email', p_payer,
            'parent_txn_id', null, 'txn_id', p_txn_id, 'payment_type', 'instant', 'last_name', 'Lovelace',
            'receiver_email', 'payments@example.org', 'payment_fee', '-0.73', 'receiver_id', 'S8XGHLYDW9T3S',
            'item_name', 'Membership', 'mc_currency', 'USD', 'item_number', '1', 'residence_country', 'US',
            'payment_gross', '-25.00', 'ipn_track_id', 'df1b9e6a7c8d0']
    end;
    if v_fields is null then
        raise exception 'fx_ipn_body: unknown kind %', p_kind;
    end if;
    for i in 1 .. coalesce(array_length(p_overrides, 1), 0) / 2 loop
        j := array_position(v_fields, p_overrides[2 * i - 1]);
        while j is not null and j % 2 = 0 loop  -- a value that happens to equal the name
            j := array_position(v_fields, p_overrides[2 * i - 1], j + 1);
        end loop;
        if j is null then
            v_fields := v_fields || array[p_overrides[2 * i - 1], p_overrides[2 * i]];
        else
            v_fields[j + 1] := p_overrides[2 * i];
        end if;
    end loop;
    for i in 1 .. array_length(v_fields, 1) / 2 loop
        v_value := v_fields[2 * i];
        if v_value is not null then
            v_out := v_out || (v_fields[2 * i - 1] || '=' || tests.fx_url_encode(v_value));
        end if;
    end loop;
    return convert_to(array_to_string(v_out, '&'), 'UTF8');
end
$$;

-- Receives a message and records PayPal's answer VERIFIED (which processes it); returns the message id.
create or replace function tests.fx_ipn(p_body bytea)
returns bigint
language plpgsql
as $$
declare
    v_id bigint := dues.ipn_receive(p_body, '{"content-type": "application/x-www-form-urlencoded"}');
begin
    perform dues.ipn_verified(v_id, 'VERIFIED');
    return v_id;
end
$$;

-- The state of a payment notification.
create or replace function tests.fx_ipn_state(p_id bigint)
returns text
language sql
as $$
    select state from dues.ipn_message where id = p_id
$$;

-- Recurring billing (docs/billing.md) ------------------------------------------------------------------------------

-- A provider: a new organization registered with api.provider_register; returns its member id.
create or replace function tests.fx_provider(p_broker boolean default false)
returns bigint
language sql
as $$
    select (api.provider_register(tests.fx_member('fx provider', 'organization'), p_broker)).member_id
$$;

-- A class of rule recurring (monthly, 30.00, renewing by default), invoiced by a new provider of its own unless one
-- is given (so that tests running side by side never share an invoice number counter); returns the class id.
create or replace function tests.fx_recurring_class(
    p_params   jsonb  default '{"period": "month", "amount": "30.00", "renewal": "auto_renew"}',
    p_provider bigint default null,
    p_currency text   default 'USD'
)
returns bigint
language plpgsql
as $$
declare
    v_class bigint := tests.fx_class('recurring', p_params, p_currency);
begin
    perform api.class_set_provider(v_class, coalesce(p_provider, tests.fx_provider()));
    return v_class;
end
$$;

-- A day of next year (always in the future, so any start date is allowed): scenarios run on these dates.
create or replace function tests.fx_day(p_month int, p_day int, p_years int default 0)
returns date
language sql
as $$
    select make_date(extract(year from tests.fx_today())::int + 1 + p_years, p_month, p_day)
$$;

-- Subscribes a member to a recurring class from a day (api.recurring_subscription_start), with a discount code when
-- given; returns the subscription id.
create or replace function tests.fx_subscribe(p_member_id bigint, p_class_id bigint, p_start date, p_params jsonb default '{}',
                                              p_discount_code text default null)
returns bigint
language sql
as $$
    select (api.recurring_subscription_start(p_member_id, p_class_id, jsonb_build_object('start_date', p_start) || p_params,
                                             p_discount_code)).class_subscription_id
$$;

-- Runs the collector at noon (UTC) of a day; returns its summary.
create or replace function tests.fx_collect(p_day date)
returns jsonb
language sql
as $$
    select jobs.collect((p_day + time '12:00') at time zone 'UTC')
$$;

-- The ids of a member's invoices, oldest first.
create or replace function tests.fx_invoice_ids(p_member_id bigint)
returns bigint[]
language sql
as $$
    select coalesce(array_agg(id order by id), '{}') from dues.invoice where member_id = p_member_id
$$;

-- The statuses of a member's invoices, oldest first.
create or replace function tests.fx_invoice_statuses(p_member_id bigint)
returns text[]
language sql
as $$
    select coalesce(array_agg(status order by id), '{}') from dues.invoice where member_id = p_member_id
$$;

-- The totals of a member's invoices, oldest first.
create or replace function tests.fx_invoice_totals(p_member_id bigint)
returns numeric[]
language sql
as $$
    select coalesce(array_agg(total order by id), '{}') from dues.invoice where member_id = p_member_id
$$;

-- What is left to pay on an invoice.
create or replace function tests.fx_amount_due(p_invoice_id bigint)
returns numeric
language sql
as $$
    select total - dues.invoice_settled(id) from dues.invoice where id = p_invoice_id
$$;

-- The standing the collector last recorded for a member (good when it never recorded one).
create or replace function tests.fx_standing(p_member_id bigint)
returns text
language sql
as $$
    select coalesce((select standing from dues.member_standing where member_id = p_member_id), 'good')
$$;

-- A device of its own with a known key; returns it (with its secret_key).
create or replace function tests.fx_device()
returns dues.device
language sql
as $$
    select api.device_create('fx-device-' || nextval('tests.fx_seq'), 'fx-device-secret-key-' || nextval('tests.fx_seq'))
$$;

-- An item of its own (a door, or a machine requiring certification); returns it.
create or replace function tests.fx_item(p_requires_certification boolean default false)
returns dues.item
language sql
as $$
    select api.item_create('fx_item_' || nextval('tests.fx_seq'), null,
                           case when p_requires_certification then 'machine' else 'door' end, p_requires_certification)
$$;

-- The request body a device sends, as it might format it.
create or replace function tests.fx_access_body(p_device text, p_item text, p_badge text, p_nonce text default null)
returns text
language sql
as $$
    select format('{"device": %s, "item": %s, "badge": %s, "nonce": %s}', to_json(p_device), to_json(p_item), to_json(p_badge),
                  to_json(coalesce(p_nonce, 'fx-nonce-' || nextval('tests.fx_seq'))))
$$;

-- The hex HMAC-SHA256 of a body with a key, as a device computes it.
create or replace function tests.fx_sign(p_body text, p_key text)
returns text
language sql
as $$
    select encode(public.hmac(convert_to(p_body, 'UTF8'), convert_to(p_key, 'UTF8'), 'sha256'), 'hex')
$$;

-- A correctly signed access check of a badge at an item by a device, with a fresh nonce; returns the answer.
create or replace function tests.fx_access(p_device dues.device, p_item text, p_badge text, p_now timestamptz default now())
returns jsonb
language plpgsql
as $$
declare
    v_body text := tests.fx_access_body(p_device.name, p_item, p_badge);
begin
    return dues.access_check(v_body, tests.fx_sign(v_body, p_device.secret_key), p_now);
end
$$;

-- A badge number of its own given to a member; returns the number.
create or replace function tests.fx_badge(p_member_id bigint)
returns text
language sql
as $$
    select (api.badge_assign(p_member_id, 'fx-badge-' || nextval('tests.fx_seq'))).number
$$;

-- A storage slot of its own, of a type of its own (a 3-month term, reminded 14 days ahead); returns the slot id.
create or replace function tests.fx_slot(p_term interval default '3 months', p_reminder_before interval default '14 days')
returns bigint
language sql
as $$
    select (api.storage_slot_create(
                (api.storage_slot_type_create('fx_slot_type_' || n, 'Shelf ' || n, p_term, p_reminder_before)).id,
                'FX-' || n, 'basement')).id
      from nextval('tests.fx_seq') n
$$;

-- Webhooks of payment providers (docs/payments.md) ------------------------------------------------------------------

-- An id no other test uses, for a provider's event, payment, customer or mandate.
create or replace function tests.fx_ref(p_prefix text)
returns text
language sql
as $$
    select p_prefix || nextval('tests.fx_seq')
$$;

-- A Stripe event of a type, with its data.object.
create or replace function tests.fx_stripe_event(p_id text, p_type text, p_object jsonb)
returns jsonb
language sql
as $$
    select jsonb_build_object('id', p_id, 'object', 'event', 'type', p_type, 'data', jsonb_build_object('object', p_object))
$$;

-- Stores a delivery and records its signature as valid (which keeps and processes its events); returns
-- dues.webhook_verified's summary with the delivery's id (message_id).
create or replace function tests.fx_webhook(p_provider text, p_body jsonb)
returns jsonb
language plpgsql
as $$
declare
    v_id bigint := dues.webhook_intake(p_provider, convert_to(p_body::text, 'UTF8'), '{"content-type": "application/json"}',
                                       '127.0.0.1');
begin
    return dues.webhook_verified(v_id, true) || jsonb_build_object('message_id', v_id);
end
$$;

-- The event a provider sent with this id.
create or replace function tests.fx_webhook_event(p_provider text, p_event_id text)
returns dues.webhook_event
language sql
as $$
    select * from dues.webhook_event where provider = p_provider and event_id = p_event_id
$$;

-- A Stripe checkout session paid by an e-mail address (cents in USD), as an event; returns the event's row.
create or replace function tests.fx_stripe_paid(p_email text, p_cents int, p_payment_intent text default null,
                                                p_customer text default null)
returns dues.webhook_event
language plpgsql
as $$
declare
    v_id text := tests.fx_ref('evt_');
begin
    perform tests.fx_webhook('stripe', tests.fx_stripe_event(v_id, 'checkout.session.completed',
        jsonb_build_object('id', tests.fx_ref('cs_'), 'mode', 'payment', 'payment_status', 'paid', 'amount_total', p_cents,
                           'currency', 'usd', 'customer', coalesce(p_customer, tests.fx_ref('cus_')),
                           'customer_details', jsonb_build_object('email', p_email),
                           'payment_intent', coalesce(p_payment_intent, tests.fx_ref('pi_')))));
    return tests.fx_webhook_event('stripe', v_id);
end
$$;

-- Tests that change the schedule's shared rows (dues.job_schedule) run one at a time: run side by side, two test
-- transactions lock the same committed rows in different orders and one of them dies of a deadlock.
create or replace function tests.fx_jobs_alone()
returns void
language sql
as $$
    lock table dues.job_schedule in share row exclusive mode
$$;

-- The code of the last sign-in or application message queued to an address (api.signin_request, api.membership_apply).
create or replace function tests.fx_signin_code(p_address text)
returns text
language sql
as $$
    select data ->> 'code' from dues.outbox
     where template in ('signin_code', 'application_code') and lower(recipient) = lower(p_address)
     order by id desc
     limit 1
$$;

-- An address unique to the test, known to no member.
create or replace function tests.fx_address()
returns text
language sql
as $$
    select 'fx' || nextval('tests.fx_seq') || '@example.org'
$$;

-- Class subscriptions of the order flow (issue 17) ------------------------------

-- A class subscription made by the whole order flow: request, payment of exactly its amount, order_confirm,
-- class_subscription_confirm; returns the class subscription id.
create or replace function tests.fx_class_subscription(p_member_id bigint, p_class_id bigint, p_params jsonb default '{}')
returns bigint
language sql
as $$
    select (api.class_subscription_confirm(tests.fx_confirmed_order(p_member_id, p_class_id, p_params))).id
$$;

-- Whether a member is a student of a class on a day.
create or replace function tests.fx_student(p_member_id bigint, p_class_id bigint, p_on date)
returns boolean
language sql
as $$
    select exists (select from api.class_students(p_class_id, p_on) where member_id = p_member_id)
$$;

-- The days from p_from to p_to (both included) a member is a student of a class, as ranges of days.
create or replace function tests.fx_student_days(p_member_id bigint, p_class_id bigint, p_from date, p_to date)
returns datemultirange
language sql
as $$
    select coalesce(range_agg(daterange(d::date, d::date + 1)), '{}')
      from generate_series(p_from, p_to, interval '1 day') d
     where tests.fx_student(p_member_id, p_class_id, d::date)
$$;

-- A standing change of a member on a day, from its standing then (good when none) to p_to, recorded as the collector
-- records one, without its groups or message; returns its id (for dues.standing_suspend_groups and _restore_groups).
create or replace function tests.fx_standing_change(p_member_id bigint, p_to text, p_on date)
returns bigint
language sql
as $$
    insert into dues.standing_change (member_id, from_standing, to_standing, changed_on, days_late)
    values (p_member_id,
            coalesce((select to_standing from dues.standing_change where member_id = p_member_id order by id desc limit 1), 'good'),
            p_to, p_on, 0)
    returning id
$$;

-- A session of a class starting at noon (UTC) of a day; returns its id.
create or replace function tests.fx_session(p_class_id bigint, p_day date)
returns bigint
language sql
as $$
    select (api.class_session_create(p_class_id, (p_day + time '12:00') at time zone 'UTC')).id
$$;

-- Runs jobs.expire at noon (UTC) of a day, as tests.fx_collect runs the collector.
create or replace function tests.fx_expire(p_day date)
returns jsonb
language sql
as $$
    select jobs.expire((p_day + time '12:00') at time zone 'UTC')
$$;
