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
