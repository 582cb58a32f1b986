-- Asks to renew the current assignment of a storage slot: only its holder (or whoever may act for it) may, and anyone
-- else is refused alike whether the slot exists, is free, or is another member's.
create or replace function api.storage_renewal_request(slot_id bigint, note text default null)
returns dues.storage_renewal
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_assignment dues.storage_assignment;
    v_request    dues.storage_renewal;
begin
    perform dues.require_argument('slot_id', storage_renewal_request.slot_id is null);
    select a.* into v_assignment
      from dues.storage_assignment a
     where a.slot_id = storage_renewal_request.slot_id and a.ended_on is null;
    if not dues.caller_is_staff() and not coalesce(dues.caller_may_act(v_assignment.member_id, 'use'), false) then
        perform dues.refuse_record('storage slot', storage_renewal_request.slot_id, 'use');
    end if;
    perform dues.storage_slot_get(storage_renewal_request.slot_id);
    v_assignment := dues.storage_assignment_lock(storage_renewal_request.slot_id);
    select r.* into v_request from dues.storage_renewal r where r.assignment_id = v_assignment.id and r.decided_at is null;
    if not found then
        insert into dues.storage_renewal as r (assignment_id, note)
        values (v_assignment.id, storage_renewal_request.note)
        returning r.* into v_request;
    end if;
    return v_request;
end
$$;

comment on function api.storage_renewal_request(bigint, text) is
$$Asks to renew the current assignment of a storage slot, with a note for the admin. Asking again while a request is open returns
that request. The member holding the slot may ask. Returns the request.
Errors: DU014 slot_id is null, DU016 a note too long, 42501 not allowed (the slot is not the caller's: it is another member's, free,
or does not exist, all answered alike); to staff: DU131 unknown slot, DU132 the slot is not assigned.$$;

grant execute on function api.storage_renewal_request(bigint, text) to dues_member, dues_staff;
