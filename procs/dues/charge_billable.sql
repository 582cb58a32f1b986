-- Trigger: refuses an invoice line for a cancelled charge (DU30E), whatever bills it: a cancelled charge is never
-- billed again, also after the invoice it was on is voided.
create or replace function dues.charge_billable()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_cancelled timestamptz;
begin
    select k.cancelled_at into v_cancelled from dues.charge_cancellation k where k.charge_id = new.charge_id;
    if v_cancelled is not null then
        raise exception 'charge % was cancelled at %: it is never billed', new.charge_id, v_cancelled
            using errcode = 'DU30E';
    end if;
    return new;
end
$$;

create or replace trigger invoice_line_charge_billable before insert on dues.invoice_line
    for each row when (new.charge_id is not null) execute function dues.charge_billable();
