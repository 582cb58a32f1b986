-- Tests of api.role_revoke.

-- Tests of users' roles on organizations and service orders: api.role_grant, api.role_revoke, api.role_list.

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
    return next throws_ok(format('select api.role_revoke(%s)', v_user), 'DU01F', null, 'a revocation needs a target');
    return next throws_ok(format('select api.role_revoke(%s, %s, 1)', v_user, v_org), 'DU01F', null, 'and only one');
end
$$;
