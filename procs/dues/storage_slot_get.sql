-- The slot with this id; DU014 when null, DU131 when unknown.
create or replace function dues.storage_slot_get(p_slot_id bigint)
returns dues.storage_slot
language plpgsql
stable
set search_path = ''
as $$
declare
    v_slot dues.storage_slot;
begin
    perform dues.require_argument('slot_id', p_slot_id is null);
    select s.* into v_slot from dues.storage_slot s where s.id = p_slot_id;
    if not found then
        raise exception 'storage slot % not found', p_slot_id using errcode = 'DU131';
    end if;
    return v_slot;
end
$$;
