-- The part of a proration credit of a period line the member really paid: the credit less the same share of it that the
-- line's discounts took off the line (rounded to the currency's minor units; a period fully discounted gives nothing back).
create or replace function dues.discount_credit(p_invoice_line_id bigint, p_credit numeric)
returns numeric
language sql
stable
set search_path = ''
as $$
    select p_credit - coalesce(pg_catalog.round(p_credit * (select pg_catalog.sum(u.amount)
                                                               from dues.discount_use u
                                                               join dues.invoice_line dl on dl.id = u.invoice_line_id
                                                              where u.discounted_line_id = l.id and not dl.void) / l.amount,
                                                c.minor_units), 0)
      from dues.invoice_line l
      join dues.invoice i on i.id = l.invoice_id
      join dues.currency c on c.code = i.currency
     where l.id = p_invoice_line_id
$$;
