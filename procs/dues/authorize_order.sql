-- Refuses unless the caller may act (dues.authorize_member) for the member
-- of the order; the refusal is the same whether or not the order exists.
create or replace function dues.authorize_order(p_order_id bigint, p_action text default 'use')
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
    select o.member_id into v_member_id from dues.subscription_order o where o.id = p_order_id;
    if v_member_id is null or dues.caller_member_id() is distinct from v_member_id and not exists (
        select from dues.organization_role r
         where r.member_id = dues.caller_member_id()
           and r.organization_id = v_member_id
           and r.revoked_at is null
           and (r.role = 'manager' or p_action = 'use')
    ) then
        raise exception 'not allowed to act on order %', p_order_id
            using errcode = '42501',
                  detail = 'this needs the right to ' || p_action || ' for the order''s member';
    end if;
end
$$;
