-- The part of a proration or pause credit of a period line the member really paid: the credit less the same share of it
-- that the line's discounts took off the line (dues.discount_net), and never more than the line still holds: its amount
-- less its discounts less the credits given for it (the pause credits that still hold, its proration credit). Rounding
-- each credit on its own could otherwise give back a cent more than was paid. Never below 0.
create or replace function dues.discount_credit(p_invoice_line_id bigint, p_credit numeric)
returns numeric
language sql
stable
set search_path = ''
as $$
    select greatest(0, least(dues.discount_net(l.id, p_credit),
                             dues.discount_net(l.id, l.amount)
                             - coalesce((select pg_catalog.sum(dues.pause_credit_held(pc.id))
                                           from dues.pause_credit pc where pc.invoice_line_id = l.id), 0)
                             - coalesce((select pg_catalog.sum(pr.amount)
                                           from dues.proration_credit pr where pr.invoice_line_id = l.id), 0)))
      from dues.invoice_line l
     where l.id = p_invoice_line_id
$$;
