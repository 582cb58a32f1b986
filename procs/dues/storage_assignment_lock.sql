-- The current assignment of a slot, locked; DU132 when the slot is free.
create or replace function dues.storage_assignment_lock(p_slot_id bigint)
returns dues.storage_assignment
language plpgsql
set search_path = ''
as $$
declare
    v_assignment dues.storage_assignment;
begin
    select a.* into v_assignment from dues.storage_assignment a where a.slot_id = p_slot_id and a.ended_on is null for update;
    if not found then
        raise exception 'storage slot % is not assigned', p_slot_id using errcode = 'DU132';
    end if;
    return v_assignment;
end
$$;
