-- Tests of api.device_disable.

create or replace function tests.test_device_disable__a_disabled_device_is_refused()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := tests.fx_device();
    v_door   dues.item := tests.fx_item();
    v_member bigint := tests.fx_member();
    v_badge  text := tests.fx_badge(v_member);
begin
    perform api.access_grant(tests.fx_group_id('members'), v_door.id);
    return next is((api.device_disable(v_device.id)).active, false, 'the device is disabled');
    return next is((api.device_disable(v_device.id)).active, false, 'disabling it twice is harmless');
    return next throws_ok(format('select tests.fx_access(%L::dues.device, %L, %L)', v_device, v_door.name, v_badge), 'DU120',
                          null, 'its requests are refused (401)');
end
$$;

create or replace function tests.test_device_disable__refuses_unknown_devices_and_members()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := tests.fx_device();
    v_member bigint := tests.fx_member();
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok('select api.device_disable(-1)', 'DU123', 'device -1 not found', 'an unknown device');
    return next throws_ok('select api.device_disable(null)', 'DU014', null, 'a null device');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.device_disable(%s)', v_device.id), '42501', null,
                          'a member cannot disable a device');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
