-- The part of a proration credit of a period line the member really paid: the credit less the same share of it that the
-- line's discounts took off the line (a period fully discounted gives no credit back).
create or replace function dues.discount_credit(p_invoice_line_id bigint, p_credit numeric)
returns numeric
language sql
stable
set search_path = ''
as $$
    select p_credit - coalesce(pg_catalog.round(p_credit * pg_catalog.sum(u.amount) / pg_catalog.min(l.amount), 2), 0)
      from dues.invoice_line l
      left join (dues.discount_use u join dues.invoice_line dl on dl.id = u.invoice_line_id and not dl.void)
             on u.discounted_line_id = l.id
     where l.id = p_invoice_line_id
$$;
