create or replace function api.storage_release(slot_id bigint, why text default null)
returns dues.storage_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_assignment dues.storage_assignment;
begin
    perform dues.authorize_staff();
    perform dues.storage_slot_get(storage_release.slot_id);
    v_assignment := dues.storage_assignment_lock(storage_release.slot_id);
    perform dues.audit_why(storage_release.why);
    update dues.storage_assignment a
       set ended_on = greatest(dues.local_date(pg_catalog.now()), a.starts_on), ended_by = dues.actor(),
           end_reason = storage_release.why
     where a.id = v_assignment.id;
    -- an open renewal request ends with it
    update dues.storage_renewal r
       set decision = 'rejected', decided_at = pg_catalog.now(), decided_by = dues.actor(), decision_note = 'slot released'
     where r.assignment_id = v_assignment.id and r.decided_at is null;
    return dues.storage_view(v_assignment.id);
end
$$;

comment on function api.storage_release(bigint, text) is
$$Ends a slot's current assignment today (the member emptied it, or an admin cleared the slot of a member who left): the slot is
free again; an open renewal request is rejected with it. The assignment is kept as history, audited with why. Staff only.
Errors: DU014 slot_id is null, DU131 unknown slot, DU132 the slot is not assigned.$$;

grant execute on function api.storage_release(bigint, text) to dues_staff;
