create or replace function api.storage_slot_create(type_id bigint, label text, location text default null)
returns dues.storage_slot
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_slot dues.storage_slot;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('type_id', storage_slot_create.type_id is null);
    perform dues.require_argument('label', storage_slot_create.label is null);
    if not exists (select from dues.storage_slot_type t where t.id = storage_slot_create.type_id) then
        raise exception 'storage slot type % not found', storage_slot_create.type_id using errcode = 'DU130';
    end if;
    if pg_catalog.btrim(storage_slot_create.label) = '' then
        raise exception 'label must not be blank' using errcode = 'DU017';
    end if;
    if exists (select from dues.storage_slot s where s.label = pg_catalog.btrim(storage_slot_create.label)) then
        raise exception 'slot label % is already used', pg_catalog.btrim(storage_slot_create.label) using errcode = 'DU01B';
    end if;
    insert into dues.storage_slot as s (type_id, label, location)
    values (storage_slot_create.type_id, pg_catalog.btrim(storage_slot_create.label), storage_slot_create.location)
    returning s.* into v_slot;
    return v_slot;
end
$$;

comment on function api.storage_slot_create(bigint, text, text) is
$$Creates a storage slot of a type, with its label (unique) and where it is. Returns the slot. Staff only.
Errors: DU014 an argument is null, DU130 unknown type, DU017 blank label, DU01B label already used.$$;

grant execute on function api.storage_slot_create(bigint, text, text) to dues_staff;
