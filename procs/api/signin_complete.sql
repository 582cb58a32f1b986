-- Signs in with a code from signin_request or membership_apply: answers a session token.
create or replace function api.signin_complete(email text, code text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_email   text := pg_catalog.btrim(signin_complete.email);
    v_today   date := dues.local_date(pg_catalog.now());
    v_code    dues.signin_code;
    v_member  bigint;
    v_staff   boolean;
    v_token   text;
    v_token_id bigint;
    v_expires timestamptz;
    v_oldest  timestamptz;
begin
    perform dues.require_argument('email', signin_complete.email is null);
    perform dues.require_argument('code', signin_complete.code is null);
    -- a client that sent too many wrong codes lately is refused whatever the address
    select min(q.created_at) into v_oldest
      from (select f.created_at from dues.signin_failure f
             where f.client_address = dues.client_address() and f.created_at > pg_catalog.now() - interval '1 hour'
             order by f.created_at desc
             limit dues.setting_int('signin_failures_per_client', 20)) q
    having pg_catalog.count(*) >= dues.setting_int('signin_failures_per_client', 20);
    if v_oldest is not null then
        raise exception 'too many wrong codes from this client: try again later'
            using errcode = 'DU401',
                  detail = pg_catalog.format('retry after %s s',
                               greatest(1, pg_catalog.ceil(extract(epoch from v_oldest + interval '1 hour' - pg_catalog.now())))::bigint);
    end if;
    -- the tries of one address one at a time (dues.signin_failed counts a wrong one)
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.signin ' || pg_catalog.lower(v_email), 0));
    select c.* into v_code
      from dues.signin_code c
     where pg_catalog.lower(c.email) = pg_catalog.lower(v_email)
     order by c.id desc
     limit 1
       for update;
    -- one answer for a wrong, expired, used or worn-out code and an unknown address
    if v_code.id is null or v_code.used_at is not null or v_code.expires_at <= pg_catalog.now()
       or v_code.attempts >= dues.setting_int('signin_code_tries', 5)
       or (v_code.purpose = 'signin' and v_code.member_id is null)
       or v_code.code_hash <> dues.signin_code_hash(v_email, pg_catalog.left(signin_complete.code, 100)) then
        raise exception 'this e-mail address and code do not sign in'
            using errcode = 'DU400',
                  hint = 'a code is valid once, for a while and a few tries: ask for a new one with signin_request';
    end if;

    v_member := coalesce(v_code.member_id,
                         (select m.id from dues.member m where pg_catalog.lower(m.email) = pg_catalog.lower(v_email)));
    if v_member is null then
        -- an application whose e-mail is confirmed: the member, waiting for its first payment
        perform dues.audit_why('applied for membership, e-mail confirmed by the code mailed to it');
        insert into dues.member as m (kind, name, email)
        values (v_code.kind, v_code.name, v_code.email)
        returning m.id into v_member;
        perform dues.membership_ensure(v_member, v_today);
        perform dues.group_join(v_member, (dues.group_by_key('pending_payments')).id, v_today);
        perform dues.membership_status_update(v_member, pg_catalog.now());
        perform dues.audit_why(null);
    end if;

    v_staff := dues.member_in_group(v_member, (dues.group_by_key('staff')).id, v_today);
    v_expires := pg_catalog.now() + pg_catalog.make_interval(days => dues.setting_int('signin_session_days', 30));
    -- 244 random bits from the server's strong random source, as token_create
    v_token := 'dues_' || pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', '')
                       || pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', '');
    insert into dues.api_token as t (token_hash, member_id, staff, label, expires_at)
    values (pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(v_token, 'UTF8')), 'hex'), v_member, v_staff, 'session',
            v_expires)
    returning t.id into v_token_id;
    update dues.signin_code c set used_at = pg_catalog.now(), member_id = v_member, token_id = v_token_id
     where c.id = v_code.id;
    return pg_catalog.jsonb_build_object('token', v_token, 'member_id', v_member,
                                         'role', case when v_staff then 'staff' else 'member' end, 'expires_at', v_expires);
end
$$;

comment on function api.signin_complete(text, text) is
$$Signs in with the code signin_request (or membership_apply) mailed to email (spaces and dashes in it do not matter). Answers
{"token", "member_id", "role", "expires_at"}: a session, a bearer token for the member (role member) or, for a member of group
staff, a staff token (role staff), valid for setting signin_session_days (30); token_list lists it (label session),
token_revoke or signout ends it. A code works once, until it expires (signin_code_minutes, 15), within signin_code_tries (5)
tries (a wrong code counts one), and only the newest code of an address. A code from membership_apply first creates the member
(in group pending_payments, membership status pending). Anyone may call it; a client address that sent
signin_failures_per_client (20) refused codes in the last hour is refused for a while (429, with Retry-After).
Errors: DU014 an argument is null, DU400 wrong, expired, used or worn-out code, or an address without one: one answer (401),
DU401 too many refused codes from this client address (429).$$;

grant execute on function api.signin_complete(text, text) to dues_anonymous, dues_member, dues_staff;
