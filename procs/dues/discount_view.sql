-- A discount as the api answers it: its terms, its classes, how many uses count towards max_uses (dues.discount_uses),
-- what it took off in all (from orders not cancelled and invoice lines not void).
create or replace function dues.discount_view(p_discount dues.discount)
returns dues.discount_view
language sql
stable
set search_path = ''
as $$
    select p_discount.id, p_discount.code, p_discount.percent, p_discount.amount, p_discount.currency, p_discount.valid_from,
           p_discount.valid_until, p_discount.max_uses, p_discount.periods,
           (select pg_catalog.array_agg(dc.class_id order by dc.class_id) from dues.discount_class dc
             where dc.discount_id = p_discount.id),
           dues.discount_uses(p_discount.id),
           (select coalesce(pg_catalog.sum(u.amount), 0)
              from dues.discount_use u
              join dues.discount_claim c on c.id = u.discount_claim_id
              join dues.subscription_order o on o.id = u.order_id
              left join dues.invoice_line l on l.id = u.invoice_line_id
             where c.discount_id = p_discount.id and o.state <> 'cancelled' and not coalesce(l.void, false)),
           p_discount.ended_at, p_discount.created_at, p_discount.created_by
$$;
