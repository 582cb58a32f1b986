-- Cancels a charge: the collector never bills it again.
create or replace function api.charge_cancel(charge_id bigint, why text default null)
returns dues.charge_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_charge    dues.charge;
    v_cancelled timestamptz;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('charge_id', charge_cancel.charge_id is null);
    select c.* into v_charge from dues.charge c where c.id = charge_cancel.charge_id;
    if not found then
        raise exception 'charge % not found', charge_cancel.charge_id
            using errcode = 'DU30D';
    end if;
    -- the member's billing lock, which the collector holds while it bills the member's charges
    perform dues.member_lock(v_charge.member_id);
    select k.cancelled_at into v_cancelled from dues.charge_cancellation k where k.charge_id = v_charge.id;
    if v_cancelled is not null then
        raise exception 'charge % was cancelled at %', v_charge.id, v_cancelled
            using errcode = 'DU30E';
    end if;
    perform dues.audit_why(charge_cancel.why);
    insert into dues.charge_cancellation (charge_id, why) values (v_charge.id, charge_cancel.why);
    perform dues.audit_why(null);
    return dues.charge_view(v_charge);
end
$$;

comment on function api.charge_cancel(bigint, text) is
$$Cancels a one-off charge (a setup fee or a charge staff added): the collector never bills it again, also after the invoice it is on
is voided (invoice_void). A charge already billed stays on its invoice (state billed, invoice_id): void that invoice to take it off
the member's bill. Recorded in the audit log with why. Returns the charge as charge_list shows it. Staff only.
Errors: DU014 charge_id is null, DU30D unknown charge, DU30E cancelled already, 42501 not staff.$$;

grant execute on function api.charge_cancel(bigint, text) to dues_staff;
