-- Refuses unless the caller is staff, is the member, or holds a role on the
-- member (an organization): any role to use, manager to pay or administer.
-- The refusal is the same whether or not the member exists.
create or replace function dues.authorize_member(p_member_id bigint, p_action text default 'use')
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    perform dues.require_argument('member_id', p_member_id is null);
    if dues.caller_may_act(p_member_id, p_action) then
        return;
    end if;
    raise exception 'not allowed to act for member %', p_member_id
        using errcode = '42501',
              detail = 'this needs the right to ' || p_action || ' for the member';
end
$$;
