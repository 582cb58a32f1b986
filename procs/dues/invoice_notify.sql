-- Queues the invoice_issued e-mail of an invoice to the member's billing recipient; returns the outbox id
-- (dues.invoices_notify, for one).
create or replace function dues.invoice_notify(p_invoice_id bigint, p_at timestamptz)
returns bigint
language plpgsql
set search_path = ''
as $$
begin
    perform from dues.invoice i where i.id = p_invoice_id;
    if not found then
        raise exception 'invoice % not found', p_invoice_id
            using errcode = 'DUB01';
    end if;
    return (dues.invoices_notify(array[p_invoice_id], p_at))[1];
end
$$;
