-- Tests of api.device_create.

create or replace function tests.test_device_create__gives_a_key_once_and_can_be_disabled()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := api.device_create('front-door-fx');
    v_given  dues.device := api.device_create('back-door-fx', 'a-key-of-my-choosing');
begin
    return next matches(v_device.secret_key, '^[0-9a-f]{64}$', 'a generated key is 64 random hex digits');
    return next is(v_given.secret_key, 'a-key-of-my-choosing', 'or the key given');
    return next throws_ok('select api.device_create(''short-fx'', ''too-short'')', 'DU01J', 'a device key has at least 16 characters',
                          'a short key');
    return next throws_ok('select api.device_create(''front-door-fx'')', 'DU01B', 'device name front-door-fx is already used',
                          'a name is unique');
    return next is((api.device_disable(v_device.id)).active, false, 'a device can be disabled');
    return next throws_ok('select api.device_disable(-1)', 'DU123', null, 'an unknown device');
end
$$;
