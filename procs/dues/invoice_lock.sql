-- The invoice with this id, locked FOR UPDATE; DU014 when null, DUB01 when unknown. The caller must already hold the member lock.
create or replace function dues.invoice_lock(p_invoice_id bigint)
returns dues.invoice
language plpgsql
set search_path = ''
as $$
declare
    v_invoice dues.invoice;
begin
    select i.* into v_invoice from dues.invoice i where i.id = p_invoice_id for update;
    if not found then
        raise exception 'invoice % not found', p_invoice_id
            using errcode = 'DUB01';
    end if;
    return v_invoice;
end
$$;
