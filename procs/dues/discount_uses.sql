-- How many uses of a discount count towards its max_uses: the orders that took it and were confirmed (and the
-- subscriptions they became: closed orders). An opened order holds a claim but no use: opening orders does not use a code
-- up; its confirmation is refused (DU722) when the code is used up by then (dues.discount_claim_check).
create or replace function dues.discount_uses(p_discount_id bigint)
returns int
language sql
stable
set search_path = ''
as $$
    select pg_catalog.count(*)::int
      from dues.discount_claim c
      join dues.subscription_order o on o.id = c.order_id
     where c.discount_id = p_discount_id and o.state in ('confirmed', 'closed')
$$;
