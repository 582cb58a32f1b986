-- Tests of users' roles on organizations and service orders: api.role_grant, api.role_revoke, api.role_list.

create or replace function tests.test_roles__managers_administer_contributors_use()
returns setof text
language plpgsql
as $$
declare
    v_org     bigint := tests.fx_member('Org', 'organization');
    v_manager bigint := tests.fx_member('Manny');
    v_helper  bigint := tests.fx_member('Connie');
    v_new     bigint := tests.fx_member('Newt');
    v_so      bigint;
    v_other   bigint;
begin
    perform api.role_grant(v_manager, 'manager', organization_id => v_org);
    perform api.role_grant(v_helper, 'contributor', organization_id => v_org);
    perform tests.fx_as_member(v_helper);
    return next lives_ok(format('select * from api.member_standing(%s)', v_org), 'a contributor may see the organization''s standing');
    return next throws_ok(format('select * from api.role_grant(%s, %L, %s)', v_new, 'contributor', v_org), '42501', null,
                          'a contributor may not grant roles');
    return next throws_ok(format('select api.service_order_create(%s, %L)', v_org, 'x'), '42501', null,
                          'nor administer the organization');
    perform tests.fx_as_member(v_manager);
    return next lives_ok(format('select * from api.role_grant(%s, %L, %s)', v_new, 'contributor', v_org), 'a manager may grant roles');
    v_so := (api.service_order_create(v_org, 'Campaign')).id;
    v_other := (api.service_order_create(v_org, 'Other')).id;
    return next lives_ok(format('select * from api.role_grant(%s, %L, service_order_id => %s)', v_helper, 'manager', v_so),
                         'and make a user manager of one service order');
    perform tests.fx_as_member(v_helper);
    return next lives_ok(format('select * from api.role_grant(%s, %L, service_order_id => %s)', v_new, 'contributor', v_so),
                         'the service order''s manager manages its roles');
    return next throws_ok(format('select api.service_order_close(%s)', v_other), '42501', null,
                          'but not the organization''s other orders');
end
$$;
