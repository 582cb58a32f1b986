create or replace function api.device_disable(device_id bigint)
returns dues.device
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_device dues.device;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('device_id', device_disable.device_id is null);
    update dues.device d set active = false where d.id = device_disable.device_id returning d.* into v_device;
    if not found then
        raise exception 'device % not found', device_disable.device_id using errcode = 'DU123';
    end if;
    return v_device;
end
$$;

comment on function api.device_disable(bigint) is
$$Disables a device (lost, replaced, compromised): its requests are refused from now on (401). Staff only.
Errors: DU014 device_id is null, DU123 unknown device.$$;

grant execute on function api.device_disable(bigint) to dues_staff;
