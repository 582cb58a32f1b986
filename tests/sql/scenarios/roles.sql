-- Tests of users' roles on organisations and service orders: api.role_grant, api.role_revoke, api.role_list.

create or replace function tests.test_roles__every_change_is_recorded()
returns setof text
language plpgsql
as $$
declare
    v_org  bigint := tests.fx_member('Org', 'organization');
    v_user bigint := tests.fx_member('Uma');
begin
    return next is((select granted_role from api.role_grant(v_user, 'contributor', organization_id => v_org)), 'contributor',
                   'a contributor role is granted');
    return next is((select granted_role from api.role_grant(v_user, 'contributor', organization_id => v_org)), 'contributor',
                   'granting it again changes nothing');
    perform api.role_grant(v_user, 'manager', organization_id => v_org);
    perform api.role_revoke(v_user, organization_id => v_org);
    return next is(array(select role || ':' || (revoked_at is not null) from api.role_list(v_org)),
                   '{contributor:true,manager:true}'::text[], 'the history: contributor, replaced by manager, revoked');
    return next throws_ok(format('select api.role_revoke(%s, %s)', v_user, v_org), 'DUB07',
                          format('member %s holds no role on organization %s', v_user, v_org), 'revoking a role not held is refused');
end
$$;

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
    return next lives_ok(format('select * from api.member_standing(%s)', v_org), 'a contributor may see the organisation''s standing');
    return next throws_ok(format('select * from api.role_grant(%s, %L, %s)', v_new, 'contributor', v_org), '42501', null,
                          'a contributor may not grant roles');
    return next throws_ok(format('select api.service_order_create(%s, %L)', v_org, 'x'), '42501', null,
                          'nor administer the organisation');
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
                          'but not the organisation''s other orders');
end
$$;

create or replace function tests.test_roles__refuse_bad_grants()
returns setof text
language plpgsql
as $$
declare
    v_org    bigint := tests.fx_member('Org', 'organization');
    v_person bigint := tests.fx_member('Pia');
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select * from api.role_grant(%s, %L, %s)', v_person, 'owner', v_org), 'DU013',
                          'role must be manager or contributor, got owner', 'an unknown role is refused');
    return next throws_ok(format('select * from api.role_grant(%s, %L)', v_person, 'manager'), 'DU013', null,
                          'a role needs a target');
    return next throws_ok(format('select * from api.role_grant(%s, %L, %s, 1)', v_person, 'manager', v_org), 'DU013', null,
                          'and only one');
    return next throws_ok(format('select * from api.role_grant(%s, %L, %s)', v_org, 'manager', v_org), 'DU013', null,
                          'an organisation is not a user');
    return next throws_ok(format('select * from api.role_grant(%s, %L, %s)', v_person, 'manager', tests.fx_member('Bob')), 'DU013', null,
                          'roles are held on organisations');
    return next throws_ok(format('select * from api.role_grant(%s, %L, service_order_id => -1)', v_person, 'manager'), 'DUB03',
                          'service order -1 not found', 'an unknown service order is refused');
    return next is(tests.fx_state() - 'member', v_before - 'member', 'no role was granted');
end
$$;

create or replace function tests.test_roles__list_refuses_bad_targets_and_others()
returns setof text
language plpgsql
as $$
declare
    v_org    bigint := tests.fx_member('Org', 'organization');
    v_person bigint := tests.fx_member('Pia');
begin
    return next throws_ok('select * from api.role_list()', 'DU013', null, 'a target is needed');
    return next throws_ok(format('select * from api.role_list(%s, 1)', v_org), 'DU013', null, 'only one');
    return next throws_ok('select * from api.role_list(-1)', 'DU001', 'member -1 not found', 'an unknown organisation is refused');
    return next throws_ok('select * from api.role_list(service_order_id => -1)', 'DUB03', 'service order -1 not found',
                          'an unknown service order is refused');
    perform tests.fx_as_member(v_person);
    return next throws_ok(format('select * from api.role_list(%s)', v_org), '42501', null, 'an outsider cannot list an organisation''s roles');
end
$$;
