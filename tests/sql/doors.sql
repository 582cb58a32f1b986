-- Tests of the doors api: items, devices, badges, grants and certifications.

create or replace function tests.test_item_create__registers_doors_and_machines()
returns setof text
language plpgsql
as $$
declare
    v_item   dues.item := api.item_create('laser_cutter_fx', 'Laser cutter', 'machine', true);
    v_before jsonb := tests.fx_state();
begin
    return next is((v_item.name, v_item.title, v_item.kind, v_item.requires_certification, v_item.active),
                   ('laser_cutter_fx'::text, 'Laser cutter'::text, 'machine'::text, true, true), 'a machine that requires certification');
    return next is((api.item_create('back_door_fx')).title, 'back_door_fx', 'the title defaults to the name');
    v_before := tests.fx_state();
    return next throws_ok('select api.item_create(''laser_cutter_fx'')', 'DU013', 'item name laser_cutter_fx is already used', 'names are unique');
    return next throws_ok('select api.item_create(''Front Door'')', 'DU013', 'item name Front Door must be a lower-case identifier',
                          'a name is an identifier devices can send');
    return next throws_ok('select api.item_create(''x'', null, ''window'')', 'DU013', 'kind must be door, machine, tool or other, got window',
                          'an unknown kind');
    return next throws_ok('select api.item_create(null)', 'DU014', 'argument name is required', 'a name is required');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    return next ok((select count(*) from api.item_list() where name in ('laser_cutter_fx', 'back_door_fx')) = 2, 'item_list lists them');
end
$$;

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
    return next throws_ok('select api.device_create(''short-fx'', ''too-short'')', 'DU013', 'a device key has at least 16 characters',
                          'a short key');
    return next throws_ok('select api.device_create(''front-door-fx'')', 'DU013', 'device name front-door-fx is already used',
                          'a name is unique');
    return next is((api.device_disable(v_device.id)).active, false, 'a device can be disabled');
    return next throws_ok('select api.device_disable(-1)', 'DU123', 'device -1 not found', 'an unknown device');
end
$$;

create or replace function tests.test_badge_assign__one_member_per_number_at_a_time()
returns setof text
language plpgsql
as $$
declare
    v_ann    bigint := tests.fx_member('Ann');
    v_bob    bigint := tests.fx_member('Bob');
    v_badge  dues.badge := api.badge_assign(v_ann, '0012345678-fx', 'new card');
    v_before jsonb := tests.fx_state();
begin
    return next is(v_badge.member_id, v_ann, 'the badge is the member''s');
    return next throws_ok(format('select api.badge_assign(%s, %L)', v_bob, '0012345678-fx'), 'DU124', 'badge 0012345678-fx is already in use',
                          'a number in use cannot be given to another');
    return next throws_ok(format('select api.badge_assign(%s, %L)', v_bob, 'with space'), 'DU013',
                          'badge number with space must be 1 to 64 characters without spaces', 'a number has no spaces');
    return next throws_ok(format('select api.badge_assign(-1, %L)', 'x'), 'DU001', 'member -1 not found', 'an unknown member');
    return next throws_ok('select api.badge_revoke(''no-such-badge'')', 'DU125', 'no badge no-such-badge in use', 'revoking an unknown badge');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    perform api.badge_revoke('0012345678-fx', 'lost');
    return next is((api.badge_assign(v_bob, '0012345678-fx')).member_id, v_bob, 'once revoked, the number may be given again');
    return next results_eq(format($q$select action, why from dues.audit_log where table_name = 'badge' and member_id = %s order by id$q$, v_ann),
                           $q$values ('insert'::text, 'new card'::text), ('update', 'lost')$q$, 'badges are audited with why');
end
$$;

create or replace function tests.test_access_grant__is_idempotent_and_revocable()
returns setof text
language plpgsql
as $$
declare
    v_door  dues.item := tests.fx_item();
    v_group bigint := tests.fx_group();
    v_grant dues.access_grant := api.access_grant(v_group, v_door.id, 'door users');
begin
    return next is((api.access_grant(v_group, v_door.id)).id, v_grant.id, 'granting twice gives the same grant');
    return next isnt((api.access_revoke(v_group, v_door.id, 'no longer')).revoked_at, null, 'a grant can be revoked');
    return next throws_ok(format('select api.access_revoke(%s, %s)', v_group, v_door.id), 'DU126',
                          format('group %s has no grant on item %s', v_group, v_door.id), 'not twice');
    return next throws_ok(format('select api.access_grant(%s, -1)', v_group), 'DU122', 'item -1 not found', 'an unknown item');
    return next throws_ok(format('select api.access_grant(-1, %s)', v_door.id), 'DU110', 'group -1 not found', 'an unknown group');
    return next is((select count(*) from dues.audit_log where table_name = 'access_grant' and row_id = v_grant.id), 2::bigint,
                   'grants are audited');
end
$$;

create or replace function tests.test_certification_grant__records_who_certified_and_when()
returns setof text
language plpgsql
as $$
declare
    v_laser   dues.item := tests.fx_item(true);
    v_member  bigint := tests.fx_member('Learner');
    v_trainer bigint := tests.fx_member('Trainer');
    v_cert    dues.certification := api.certification_grant(v_member, v_laser.id, v_trainer, 'safety course');
    v_before  jsonb;
begin
    return next is((v_cert.certified_by, v_cert.certified_at, v_cert.note), (v_trainer, now(), 'safety course'::text),
                   'by whom, when, and a note');
    return next is((api.certification_grant(v_member, v_laser.id)).id, v_cert.id, 'a certified member stays certified once');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.certification_grant(%s, %s, %s)', v_trainer, v_laser.id, v_trainer), 'DU013',
                          format('member %s cannot certify itself', v_trainer), 'nobody certifies itself');
    return next throws_ok(format('select api.certification_grant(%s, -1)', v_trainer), 'DU122', 'item -1 not found', 'an unknown machine');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    return next results_eq(format('select member_id, certified_by from api.certification_list(null, %s)', v_laser.id),
                           format('values (%s::bigint, %s::bigint)', v_member, v_trainer), 'the certification log of a machine');
    perform api.certification_revoke(v_member, v_laser.id, 'misuse');
    return next throws_ok(format('select api.certification_revoke(%s, %s)', v_member, v_laser.id), 'DU126',
                          format('member %s is not certified on item %s', v_member, v_laser.id), 'revoked once');
    return next is((select count(*) from dues.audit_log where table_name = 'certification' and member_id = v_member), 2::bigint,
                   'certifications are audited');
end
$$;

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
    return next throws_ok('select api.item_create(''x_fx'')', '42501', 'only staff may do this', 'creating items');
    return next throws_ok('select api.device_create(''x-fx'')', '42501', 'only staff may do this', 'creating devices');
    return next throws_ok(format('select api.badge_assign(%s, ''b-fx'')', v_member), '42501', 'only staff may do this', 'giving badges');
    return next throws_ok(format('select api.access_grant(%s, %s)', tests.fx_group_id('members'), v_door.id), '42501',
                          'only staff may do this', 'granting access');
    return next throws_ok(format('select api.certification_grant(%s, %s)', v_member, v_door.id), '42501',
                          'only staff may do this', 'certifying');
    return next throws_ok(format('select * from api.access_log(%s)', v_member), '42501', 'only staff may do this', 'reading the access log');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
