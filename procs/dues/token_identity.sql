-- Who a token is: its role, member, actor and expiry. Without a token (null):
-- anonymous. Refuses unknown, expired and revoked tokens (28000).
create or replace function dues.token_identity(p_token_hash text)
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
        -- a staff session (signin_complete) names the member of group staff that signed in
        return query select 'dues_staff'::text, null::bigint,
                            coalesce('staff member ' || v_token.member_id, 'staff token ' || v_token.id), v_token.expires_at;
    else
        return query select 'dues_member'::text, v_token.member_id, 'member ' || v_token.member_id, v_token.expires_at;
    end if;
end
$$;
