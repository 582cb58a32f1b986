-- Tests of api.group_create.

create or replace function tests.test_group_create__checks_name_and_key()
returns setof text
language plpgsql
as $$
declare
    v_group dues."group" := api.group_create(' Laser users ', 'laser_users_fx');
    v_before jsonb := tests.fx_state();
begin
    return next is(v_group.name, 'Laser users', 'the name is trimmed');
    return next is(v_group.linked_members_follow, false, 'linked members do not follow a group by default');
    return next throws_ok('select api.group_create(''Other'', ''laser_users_fx'')', 'DU01B',
                          null, 'a key is unique');
    return next throws_ok('select api.group_create(''Other'', ''Laser Users'')', 'DU01A',
                          null, 'a key is an identifier');
    return next throws_ok('select api.group_create('' '')', 'DU017', null, 'a name is not blank');
    return next throws_ok('select api.group_create(null)', 'DU014', null, 'a name is required');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
