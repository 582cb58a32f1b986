-- What the member has settled on an invoice so far (credit applied, minus given back, plus written off).
create or replace function dues.invoice_settled(p_invoice_id bigint)
returns numeric
language sql
stable
set search_path = ''
as $$
    select coalesce(pg_catalog.sum(s.amount), 0)::numeric(14,2) from dues.settlement s where s.invoice_id = p_invoice_id
$$;
