-- Tests of the doors api: items, devices, badges, grants and certifications.

create or replace function tests.test_doors_api__is_for_staff_only()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_door   dues.item := tests.fx_item();
    v_before jsonb := tests.fx_state();
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok('select api.item_create(''x_fx'')', '42501', null, 'creating items');
    return next throws_ok('select api.device_create(''x-fx'')', '42501', null, 'creating devices');
    return next throws_ok(format('select api.badge_assign(%s, ''b-fx'')', v_member), '42501', null, 'giving badges');
    return next throws_ok(format('select api.access_grant(%s, %s)', tests.fx_group_id('members'), v_door.id), '42501',
                          null, 'granting access');
    return next throws_ok(format('select api.certification_grant(%s, %s)', v_member, v_door.id), '42501',
                          null, 'certifying');
    return next throws_ok(format('select * from api.access_log(%s)', v_member), '42501', null, 'reading the access log');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
