-- Chooses the request's role from a token's hash (null: anonymous) and keeps
-- the caller's identity in transaction-local settings. Refuses unknown,
-- expired and revoked tokens.
create or replace function dues.authenticate(p_token_hash text)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_token dues.api_token;
begin
    if p_token_hash is null then
        perform dues.caller_set('dues_anonymous', null, 'anonymous');
        return;
    end if;
    select * into v_token from dues.api_token t where t.token_hash = p_token_hash;
    if not found or v_token.revoked_at is not null or v_token.expires_at <= pg_catalog.now() then
        raise exception 'invalid, expired or revoked token'
            using errcode = '28000',
                  hint = 'ask for a new token (dues token create)';
    end if;
    if v_token.staff then
        perform dues.caller_set('dues_staff', null, 'staff token ' || v_token.id);
    else
        perform dues.caller_set('dues_member', v_token.member_id, 'member ' || v_token.member_id);
    end if;
end
$$;
