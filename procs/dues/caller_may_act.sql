-- Whether the caller may act for a member: staff (or no request at all), the member itself, or a person holding a role
-- on it (an organization): any role to use, manager to pay or administer. False for a member that does not exist.
-- It reads the caller settings itself (as dues.caller_is_staff and dues.caller_member_id do): every member request
-- passes here, and a call less is a few microseconds less.
create or replace function dues.caller_may_act(p_member_id bigint, p_action text default 'use')
returns boolean
language plpgsql
stable
set search_path = ''
as $$
declare
    v_caller bigint;
begin
    if coalesce(pg_catalog.current_setting('dues.staff', true), '') = ''
       or pg_catalog.current_setting('dues.staff', true)::boolean then
        return true;
    end if;
    v_caller := nullif(pg_catalog.current_setting('dues.member_id', true), '')::bigint;
    return coalesce(v_caller = p_member_id
                    or exists (select from dues.organization_role r
                                where r.member_id = v_caller
                                  and r.organization_id = p_member_id
                                  and r.revoked_at is null
                                  and (r.role = 'manager' or p_action = 'use')), false);
end
$$;
