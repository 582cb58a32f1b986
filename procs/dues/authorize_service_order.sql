-- Refuses unless the caller may act on a service order: as the member that holds it (dues.authorize_member), or through
-- a role on it (any role to use, manager to pay or administer). The refusal is the same whether or not it exists.
create or replace function dues.authorize_service_order(p_service_order_id bigint, p_action text default 'use')
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
    v_member_id bigint;
begin
    if dues.caller_is_staff() then
        return;
    end if;
    select so.member_id into v_member_id from dues.service_order so where so.id = p_service_order_id;
    if v_member_id is not null and exists (
        select from dues.service_order_role r
         where r.member_id = dues.caller_member_id()
           and r.service_order_id = p_service_order_id
           and r.revoked_at is null
           and (r.role = 'manager' or p_action = 'use')
    ) then
        return;
    end if;
    if v_member_id is null then
        raise exception 'not allowed to act on service order %', p_service_order_id
            using errcode = '42501',
                  detail = 'this needs the right to ' || p_action || ' for the service order';
    end if;
    perform dues.authorize_member(v_member_id, p_action);
end
$$;
