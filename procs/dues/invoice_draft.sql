-- The draft invoice of a member for a provider and currency in a collector run, created when first needed.
create or replace function dues.invoice_draft(p_member_id bigint, p_provider_id bigint, p_currency char(3), p_run_id bigint)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_invoice_id bigint;
begin
    select i.id into v_invoice_id
      from dues.invoice i
     where i.member_id = p_member_id and i.provider_id = p_provider_id and i.currency = p_currency
       and i.status = 'draft' and i.collect_run_id is not distinct from p_run_id;
    if v_invoice_id is null then
        insert into dues.invoice (member_id, provider_id, currency, collect_run_id)
        values (p_member_id, p_provider_id, p_currency, p_run_id)
        returning id into v_invoice_id;
        insert into dues.invoice_status_change (invoice_id, from_status, to_status, changed_on, reason)
        select v_invoice_id, null, 'draft', dues.local_date(r.run_at), 'collector run ' || r.id
          from dues.collect_run r where r.id = p_run_id;
    end if;
    return v_invoice_id;
end
$$;
