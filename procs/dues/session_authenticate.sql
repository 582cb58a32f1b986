-- dues.token_identity, then dues.session_set for it: a token's first call on
-- a connection (or its first after dues stopped trusting what it knew).
create or replace function dues.session_authenticate(p_token_hash text, p_read_only boolean)
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
