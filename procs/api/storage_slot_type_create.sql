-- Creates a storage slot type: its name, title, default term and reminder time.
create or replace function api.storage_slot_type_create(name text, title text, default_term interval,
                                                        reminder_before interval default '14 days')
returns dues.storage_slot_type
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_type dues.storage_slot_type;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', storage_slot_type_create.name is null);
    perform dues.require_argument('title', storage_slot_type_create.title is null);
    perform dues.require_argument('default_term', storage_slot_type_create.default_term is null);
    perform dues.require_argument('reminder_before', storage_slot_type_create.reminder_before is null);
    if storage_slot_type_create.name !~ '^[a-z][a-z0-9_]*$' then
        raise exception 'slot type name % must be a lower-case identifier', storage_slot_type_create.name using errcode = 'DU01A';
    end if;
    if pg_catalog.btrim(storage_slot_type_create.title) = '' then
        raise exception 'title must not be blank' using errcode = 'DU017';
    end if;
    if storage_slot_type_create.default_term <= interval '0' then
        raise exception 'default_term must be positive, got %', storage_slot_type_create.default_term using errcode = 'DU01L';
    end if;
    if storage_slot_type_create.reminder_before < interval '0' then
        raise exception 'reminder_before must be 0 or more, got %', storage_slot_type_create.reminder_before using errcode = 'DU01L';
    end if;
    if exists (select from dues.storage_slot_type t where t.name = storage_slot_type_create.name) then
        raise exception 'slot type name % is already used', storage_slot_type_create.name using errcode = 'DU01B';
    end if;
    insert into dues.storage_slot_type as t (name, title, default_term, reminder_before)
    values (storage_slot_type_create.name, pg_catalog.btrim(storage_slot_type_create.title), storage_slot_type_create.default_term,
            storage_slot_type_create.reminder_before)
    returning t.* into v_type;
    return v_type;
end
$$;

comment on function api.storage_slot_type_create(text, text, interval, interval) is
$$Creates a storage slot type (a shelf, a locker): default_term is how long an assignment or a renewal lasts ("3 months"),
reminder_before how long before expiry its member is reminded, once ("14 days" by default). Returns the slot type. Staff only.
Errors: DU014 an argument is null, DU01A a name that is not a lower-case identifier, DU017 a blank title, DU01L a term not positive or a
negative reminder time, DU01B a name already used.$$;

grant execute on function api.storage_slot_type_create(text, text, interval, interval) to dues_staff;
