-- An order as the api shows it: with its class's title and the class subscription it became.
create or replace function dues.order_view(p_order dues.subscription_order)
returns dues.order_view
language sql
stable
set search_path = ''
as $$
    select p_order.id, p_order.member_id, p_order.class_id, (select c.title from dues.class c where c.id = p_order.class_id),
           p_order.state::text, p_order.amount, p_order.currency, p_order.start_date, p_order.end_date, p_order.params,
           p_order.class_params, (select s.id from dues.class_subscription s where s.order_id = p_order.id),
           p_order.opened_at, p_order.confirmed_at, p_order.closed_at, p_order.cancelled_at
$$;
