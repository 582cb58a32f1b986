-- Sets the role and the caller settings for the rest of the transaction.
create or replace function dues.caller_set(p_role text, p_member_id bigint, p_actor text)
returns void
language plpgsql
set search_path = ''
as $$
begin
    perform pg_catalog.set_config('dues.member_id', coalesce(p_member_id::text, ''), true);
    perform pg_catalog.set_config('dues.staff', (p_role = 'dues_staff')::text, true);
    perform pg_catalog.set_config('dues.actor', p_actor, true);
    perform pg_catalog.set_config('role', p_role, true);
end
$$;
