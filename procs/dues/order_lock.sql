-- The order with this id, locked FOR UPDATE until the end of the transaction; DU014 when null, DU003 when unknown.
-- A caller who may not pay for the order's member gets 42501 whether or not the order exists.
create or replace function dues.order_lock(p_order_id bigint)
returns dues.subscription_order
language plpgsql
set search_path = ''
as $$
declare
    v_order dues.subscription_order;
begin
    perform dues.require_argument('order_id', p_order_id is null);
    perform dues.authorize_order(p_order_id, 'pay');
    select o.* into v_order from dues.subscription_order o where o.id = p_order_id for update;
    if not found then
        raise exception 'order % not found', p_order_id
            using errcode = 'DU003';
    end if;
    return v_order;
end
$$;
