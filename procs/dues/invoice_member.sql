-- The member of an invoice, or null when there is no such invoice.
create or replace function dues.invoice_member(p_invoice_id bigint)
returns bigint
language sql
stable
set search_path = ''
as $$
    select i.member_id from dues.invoice i where i.id = p_invoice_id
$$;
