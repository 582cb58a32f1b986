-- Tests of api.access_grant.

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
                          null, 'not twice');
    return next throws_ok(format('select api.access_grant(%s, -1)', v_group), 'DU122', 'item -1 not found', 'an unknown item');
    return next throws_ok(format('select api.access_grant(-1, %s)', v_door.id), 'DU110', 'group -1 not found', 'an unknown group');
    return next is((select count(*) from dues.audit_log where table_name = 'access_grant' and row_id = v_grant.id), 2::bigint,
                   'grants are audited');
end
$$;
