-- Refuses unless the caller may act (dues.caller_may_act) for the member
-- of the order; the refusal is the same whether or not the order exists.
create or replace function dues.authorize_order(p_order_id bigint, p_action text default 'use')
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    if dues.caller_is_staff() then
        return;
    end if;
    if not coalesce(dues.caller_may_act((select o.member_id from dues.subscription_order o where o.id = p_order_id), p_action),
                    false) then
        perform dues.refuse_record('order', p_order_id, p_action);
    end if;
end
$$;
