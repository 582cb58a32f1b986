-- What an amount of a period line costs the member after the line's discounts: the amount less the same share of it that
-- the discounts took off the line (rounded to the currency's minor units; a line fully discounted costs nothing).
create or replace function dues.discount_net(p_invoice_line_id bigint, p_amount numeric)
returns numeric
language sql
stable
set search_path = ''
as $$
    select p_amount - coalesce(pg_catalog.round(p_amount * (select pg_catalog.sum(u.amount)
                                                               from dues.discount_use u
                                                               join dues.invoice_line dl on dl.id = u.invoice_line_id
                                                              where u.discounted_line_id = l.id and not dl.void)
                                                / nullif(l.amount, 0),
                                                c.minor_units), 0)
      from dues.invoice_line l
      join dues.invoice i on i.id = l.invoice_id
      join dues.currency c on c.code = i.currency
     where l.id = p_invoice_line_id
$$;
