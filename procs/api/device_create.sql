create or replace function api.device_create(name text, secret_key text default null)
returns dues.device
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_device dues.device;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', device_create.name is null);
    if device_create.name !~ '^[a-z][a-z0-9_-]*$' then
        raise exception 'device name % must be lower-case letters, digits, _ and -', device_create.name using errcode = 'DU01A';
    end if;
    if device_create.secret_key is not null and pg_catalog.length(device_create.secret_key) < 16 then
        raise exception 'a device key has at least 16 characters' using errcode = 'DU01J';
    end if;
    if exists (select from dues.device d where d.name = device_create.name) then
        raise exception 'device name % is already used', device_create.name using errcode = 'DU01B';
    end if;
    insert into dues.device as d (name, secret_key)
    values (device_create.name, coalesce(device_create.secret_key, pg_catalog.encode(public.gen_random_bytes(32), 'hex')))
    returning d.* into v_device;
    return v_device;
end
$$;

comment on function api.device_create(text, text) is
$$Registers a device (a door or machine controller) by name, with its secret key: the one given (at least 16 characters), or 64
random hex digits. The device signs each POST /access/check body with HMAC-SHA256 keyed with the key's UTF-8 bytes. Returns the
device with its key: configure the device with it. Staff only. Errors: DU014 name is null, DU01A bad name, DU01B
name already used, DU01J key too short.$$;

grant execute on function api.device_create(text, text) to dues_staff;
