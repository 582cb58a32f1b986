-- One order, with its class's title and the subscription it became.
create or replace function api.order_get(order_id bigint)
returns dues.order_view
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_order dues.subscription_order;
begin
    perform dues.require_argument('order_id', order_get.order_id is null);
    perform dues.authorize_order(order_get.order_id, 'use');
    select o.* into v_order from dues.subscription_order o where o.id = order_get.order_id;
    if not found then
        raise exception 'order % not found', order_get.order_id
            using errcode = 'DU003';
    end if;
    return dues.order_view(v_order);
end
$$;

comment on function api.order_get(bigint) is
$$One order: id, member_id, class_id, class_title, state (opened, confirmed, closed, cancelled), amount and currency, start_date and
end_date of what it buys, params (the member's request parameters), class_params (the class's parameter values it was priced with:
a later class_update does not change them), class_subscription_id (the subscription it became, once closed), and when it was opened,
confirmed, closed or cancelled. A member may read its own; another's is refused as one that does not exist is.
Errors: DU014 order_id is null, DU003 unknown order, 42501 not allowed.$$;

grant execute on function api.order_get(bigint) to dues_member, dues_staff;
