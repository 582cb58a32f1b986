-- How many uses of a discount count towards its max_uses: the orders (and the subscriptions they became) that took it,
-- those of cancelled orders excepted.
create or replace function dues.discount_uses(p_discount_id bigint)
returns int
language sql
stable
set search_path = ''
as $$
    select pg_catalog.count(*)::int
      from dues.discount_claim c
      join dues.subscription_order o on o.id = c.order_id
     where c.discount_id = p_discount_id and o.state <> 'cancelled'
$$;
