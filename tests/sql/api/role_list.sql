-- Tests of api.role_list.

create or replace function tests.test_roles__list_refuses_bad_targets_and_others()
returns setof text
language plpgsql
as $$
declare
    v_org    bigint := tests.fx_member('Org', 'organization');
    v_person bigint := tests.fx_member('Pia');
begin
    return next throws_ok('select * from api.role_list()', 'DU01F', null, 'a target is needed');
    return next throws_ok(format('select * from api.role_list(%s, 1)', v_org), 'DU01F', null, 'only one');
    return next throws_ok('select * from api.role_list(-1)', 'DU001', null, 'an unknown organization is refused');
    return next throws_ok('select * from api.role_list(service_order_id => -1)', 'DUB03', null,
                          'an unknown service order is refused');
    perform tests.fx_as_member(v_person);
    return next throws_ok(format('select * from api.role_list(%s)', v_org), '42501', null, 'an outsider cannot list an organization''s roles');
end
$$;
