-- Tests of api.storage_slot_create.

create or replace function tests.test_storage_slot_create__makes_a_slot_of_a_type()
returns setof text
language plpgsql
as $$
declare
    v_type dues.storage_slot_type := api.storage_slot_type_create('fx_bin', 'Bin', '3 months');
    v_slot dues.storage_slot := api.storage_slot_create(v_type.id, '  FX-B1 ', 'attic');
begin
    return next is((v_slot.type_id, v_slot.label, v_slot.location), (v_type.id, 'FX-B1'::text, 'attic'::text),
                   'a slot of the type, its label trimmed, where it is');
    return next is((api.storage_slot_create(v_type.id, 'FX-B2')).location, null, 'the location may be left out');
end
$$;

create or replace function tests.test_storage_slot_create__refuses_bad_slots_and_members()
returns setof text
language plpgsql
as $$
declare
    v_type   dues.storage_slot_type := api.storage_slot_type_create('fx_crate', 'Crate', '3 months');
    v_member bigint := tests.fx_member();
    v_before jsonb;
begin
    perform api.storage_slot_create(v_type.id, 'FX-C1');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.storage_slot_create(%s, %L)', v_type.id, 'FX-C1'), 'DU01B', null,
                          'a used label');
    return next throws_ok(format('select api.storage_slot_create(%s, %L)', v_type.id, ' '), 'DU017', null, 'a blank label');
    return next throws_ok('select api.storage_slot_create(-1, ''FX-C2'')', 'DU130', 'storage slot type -1 not found', 'an unknown type');
    return next throws_ok(format('select api.storage_slot_create(%s, null)', v_type.id), 'DU014', null, 'a null label');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.storage_slot_create(%s, %L)', v_type.id, 'FX-C3'), '42501', null,
                          'a member cannot make slots');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'no slot was made');
end
$$;
