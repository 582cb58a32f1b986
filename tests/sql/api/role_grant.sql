-- Tests of api.role_grant.

create or replace function tests.test_roles__refuse_bad_grants()
returns setof text
language plpgsql
as $$
declare
    v_org    bigint := tests.fx_member('Org', 'organization');
    v_person bigint := tests.fx_member('Pia');
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select * from api.role_grant(%s, %L, %s)', v_person, 'owner', v_org), 'DU019',
                          null, 'an unknown role is refused');
    return next throws_ok(format('select * from api.role_grant(%s, %L)', v_person, 'manager'), 'DU01F',
                          'a role is granted on an organization_id or on a service_order_id, exactly one of them',
                          'a role needs a target');
    return next throws_ok(format('select * from api.role_grant(%s, %L, %s, 1)', v_person, 'manager', v_org), 'DU01F', null,
                          'and only one');
    return next throws_ok(format('select * from api.role_grant(%s, %L, %s)', v_org, 'manager', v_org), 'DU01G', null,
                          'an organization is not a user');
    return next throws_ok(format('select * from api.role_grant(%s, %L, %s)', v_person, 'manager', tests.fx_member('Bob')), 'DU01G', null,
                          'roles are held on organizations');
    return next throws_ok(format('select * from api.role_grant(%s, %L, service_order_id => -1)', v_person, 'manager'), 'DUB03',
                          'service order -1 not found', 'an unknown service order is refused');
    return next is(tests.fx_state() - 'member', v_before - 'member', 'no role was granted');
end
$$;
