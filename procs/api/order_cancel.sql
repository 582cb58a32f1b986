-- Cancels an opened or confirmed order, releasing any credit it reserved.
create or replace function api.order_cancel(order_id bigint)
returns dues.subscription_order
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_order dues.subscription_order := dues.order_lock(order_cancel.order_id);
begin
    if v_order.state not in ('opened', 'confirmed') then
        raise exception 'order % is %, only an opened or confirmed order can be cancelled', v_order.id, v_order.state
            using errcode = 'DU031';
    end if;
    update dues.subscription_order o
       set state = 'cancelled'
     where o.id = v_order.id
    returning o.* into v_order;
    if v_order.confirmed_at is not null and dues.class_seats(v_order.class_id) is not null then
        -- the seat it held goes to the class's waiting list
        perform dues.class_waitlist_offer(v_order.class_id, pg_catalog.now());
    end if;
    return v_order;
end
$$;

comment on function api.order_cancel(bigint) is
$$Cancels an order that is opened or confirmed. No money moves: credit the member registered stays on the member's account, and
a confirmed order's reservation is released, and so is its seat (of a class with seats), offered to the first member of the class's
waiting list. Returns the order in state "cancelled".
Errors: DU014 order_id is null, DU003 unknown order, DU031 the order is already closed or cancelled.$$;

grant execute on function api.order_cancel(bigint) to dues_member, dues_staff;
