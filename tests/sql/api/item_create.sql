-- Tests of api.item_create.

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
    return next throws_ok('select api.item_create(''laser_cutter_fx'')', 'DU01B', null, 'names are unique');
    return next throws_ok('select api.item_create(''Front Door'')', 'DU01A', null,
                          'a name is an identifier devices can send');
    return next throws_ok('select api.item_create(''x'', null, ''window'')', 'DU019', null,
                          'an unknown kind');
    return next throws_ok('select api.item_create(null)', 'DU014', null, 'a name is required');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    return next ok((select count(*) from api.item_list() where name in ('laser_cutter_fx', 'back_door_fx')) = 2, 'item_list lists them');
end
$$;
