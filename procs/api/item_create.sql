create or replace function api.item_create(name text, title text default null, kind text default 'door',
                                           requires_certification boolean default false)
returns dues.item
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_item dues.item;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', item_create.name is null);
    perform dues.require_argument('kind', item_create.kind is null);
    perform dues.require_argument('requires_certification', item_create.requires_certification is null);
    if item_create.name !~ '^[a-z][a-z0-9_]*$' then
        raise exception 'item name % must be a lower-case identifier', item_create.name using errcode = 'DU01A';
    end if;
    if item_create.kind not in ('door', 'machine', 'tool', 'other') then
        raise exception 'kind must be door, machine, tool or other, got %', item_create.kind using errcode = 'DU019';
    end if;
    if exists (select from dues.item i where i.name = item_create.name) then
        raise exception 'item name % is already used', item_create.name using errcode = 'DU01B';
    end if;
    insert into dues.item as i (name, title, kind, requires_certification)
    values (item_create.name, coalesce(nullif(pg_catalog.btrim(item_create.title), ''), item_create.name),
            item_create.kind, item_create.requires_certification)
    returning i.* into v_item;
    return v_item;
end
$$;

comment on function api.item_create(text, text, text, boolean) is
$$Registers a door, machine, tool or other item (kind) that devices ask about by name (a lower-case identifier, unique).
requires_certification: only members certified on it may use it (besides being in a group granted it). Returns the item.
Staff only. Errors: DU014 an argument is null, DU01A a name that is not a lower-case identifier,
DU01B a name already used, DU019 an unknown kind.$$;

grant execute on function api.item_create(text, text, text, boolean) to dues_staff;
