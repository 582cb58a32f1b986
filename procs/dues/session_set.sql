-- Sets who the connection acts for until it is set again, for every
-- transaction of the session (the settings dues.caller_set makes for one),
-- and whether its transactions are read-only. Run as dues itself (after
-- RESET ROLE); refuses a role that is not one of the three a request runs under.
create or replace function dues.session_set(p_role text, p_member_id bigint, p_actor text, p_read_only boolean)
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
