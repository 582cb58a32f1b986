-- The caller kept by a pooled connection for its session: `dues serve` sets
-- who a connection acts for once, and a call by the same caller is then one
-- statement (no BEGIN, no authenticate, no COMMIT). Only dues itself calls
-- these: no role of a request may.

-- Who a token is: its role, member, actor and expiry. Without a token (null):
-- anonymous. Refuses unknown, expired and revoked tokens (28000).
create function dues.token_identity(p_token_hash text)
returns table (role text, member_id bigint, actor text, expires_at timestamptz)
language plpgsql
stable
set search_path = ''
as $$
declare
    v_token dues.api_token;
begin
    if p_token_hash is null then
        return query select 'dues_anonymous'::text, null::bigint, 'anonymous'::text, null::timestamptz;
        return;
    end if;
    select * into v_token from dues.api_token t where t.token_hash = p_token_hash;
    if not found or v_token.revoked_at is not null or v_token.expires_at <= pg_catalog.now() then
        raise exception 'invalid, expired or revoked token'
            using errcode = '28000',
                  hint = 'ask for a new token (dues token create)';
    end if;
    if v_token.staff then
        return query select 'dues_staff'::text, null::bigint, 'staff token ' || v_token.id, v_token.expires_at;
    else
        return query select 'dues_member'::text, v_token.member_id, 'member ' || v_token.member_id, v_token.expires_at;
    end if;
end
$$;

-- Chooses the request's role from a token's hash (null: anonymous) and keeps
-- the caller's identity in transaction-local settings. Refuses unknown,
-- expired and revoked tokens.
create or replace function dues.authenticate(p_token_hash text)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_who record;
begin
    select * into v_who from dues.token_identity(p_token_hash);
    perform dues.caller_set(v_who.role, v_who.member_id, v_who.actor);
end
$$;

-- Sets who the connection acts for until it is set again, for every
-- transaction of the session (the settings dues.caller_set makes for one),
-- and whether its transactions are read-only. Run as dues itself (after
-- RESET ROLE); refuses a role that is not one of the three a request runs under.
create function dues.session_set(p_role text, p_member_id bigint, p_actor text, p_read_only boolean)
returns void
language plpgsql
set search_path = ''
as $$
begin
    if p_role is null or p_role not in ('dues_anonymous', 'dues_member', 'dues_staff') then
        raise exception 'a session acts as dues_anonymous, dues_member or dues_staff, not %', coalesce(p_role, 'null')
            using errcode = '42501';
    end if;
    perform pg_catalog.set_config('dues.member_id', coalesce(p_member_id::text, ''), false);
    perform pg_catalog.set_config('dues.staff', (p_role = 'dues_staff')::text, false);
    perform pg_catalog.set_config('dues.actor', coalesce(p_actor, p_role), false);
    perform pg_catalog.set_config('default_transaction_read_only', case when p_read_only then 'on' else 'off' end, false);
    perform pg_catalog.set_config('role', p_role, false);
end
$$;

-- dues.token_identity, then dues.session_set for it: a token's first call on
-- a connection (or its first after dues stopped trusting what it knew).
create function dues.session_authenticate(p_token_hash text, p_read_only boolean)
returns table (role text, member_id bigint, actor text, expires_at timestamptz)
language plpgsql
set search_path = ''
as $$
declare
    v_who record;
begin
    select * into v_who from dues.token_identity(p_token_hash);
    perform dues.session_set(v_who.role, v_who.member_id, v_who.actor, p_read_only);
    return query select v_who.role, v_who.member_id, v_who.actor, v_who.expires_at;
end
$$;

revoke execute on function dues.token_identity(text), dues.session_set(text, bigint, text, boolean),
    dues.session_authenticate(text, boolean) from public;
