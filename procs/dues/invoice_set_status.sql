-- Moves an invoice to a status, recording the change (business day, reason, who); nothing when it already has it.
create or replace function dues.invoice_set_status(p_invoice_id bigint, p_status text, p_on date, p_reason text default null)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_from text;
begin
    select i.status into strict v_from from dues.invoice i where i.id = p_invoice_id;
    if v_from = p_status then
        return;
    end if;
    update dues.invoice i set status = p_status where i.id = p_invoice_id;
    insert into dues.invoice_status_change (invoice_id, from_status, to_status, changed_on, reason)
    values (p_invoice_id, v_from, p_status, p_on, p_reason);
end
$$;
