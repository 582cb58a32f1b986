-- Refuses unless the caller may act on a service order: as one who may act for the member that holds it
-- (dues.caller_may_act), or through a role on the service order itself (any role to use, manager to pay or
-- administer). The refusal is the same whether or not it exists.
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
    if v_member_id is not null and (
        dues.caller_may_act(v_member_id, p_action)
        or exists (select from dues.service_order_role r
                    where r.member_id = dues.caller_member_id()
                      and r.service_order_id = p_service_order_id
                      and r.revoked_at is null
                      and (r.role = 'manager' or p_action = 'use'))
    ) then
        return;
    end if;
    perform dues.refuse_record('service order', p_service_order_id, p_action);
end
$$;
