-- Refuses unless the caller is staff, is the member, or holds a role on the
-- member (an organisation): any role to use, manager to pay or administer.
-- The refusal is the same whether or not the member exists.
create or replace function dues.authorize_member(p_member_id bigint, p_action text default 'use')
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
    v_caller bigint := dues.caller_member_id();
begin
    perform dues.require_argument('member_id', p_member_id is null);
    if dues.caller_is_staff() then
        return;
    end if;
    if v_caller is not null and (
        v_caller = p_member_id
        or exists (
            select from dues.organization_role r
             where r.member_id = v_caller
               and r.organization_id = p_member_id
               and r.revoked_at is null
               and (r.role = 'manager' or p_action = 'use')
        )
    ) then
        return;
    end if;
    raise exception 'not allowed to act for member %', p_member_id
        using errcode = '42501',
              detail = 'this needs the right to ' || p_action || ' for the member';
end
$$;
