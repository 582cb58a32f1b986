-- Tests of api.access_revoke.

create or replace function tests.test_access_revoke__ends_a_grant_and_keeps_it_as_history()
returns setof text
language plpgsql
as $$
declare
    v_door    dues.item := tests.fx_item();
    v_group   bigint := tests.fx_group();
    v_grant   dues.access_grant := api.access_grant(v_group, v_door.id);
    v_revoked dues.access_grant := api.access_revoke(v_group, v_door.id, 'door replaced');
begin
    return next is((v_revoked.id, v_revoked.revoked_at, v_revoked.revoked_by), (v_grant.id, now(), dues.actor()),
                   'the grant itself is revoked, with when and by whom');
    return next is((select count(*) from dues.access_grant where group_id = v_group and item_id = v_door.id), 1::bigint,
                   'it is kept as history');
    return next is((select why from dues.audit_log where table_name = 'access_grant' and row_id = v_grant.id and action = 'update'),
                   'door replaced', 'the revocation is audited with why');
    return next isnt((api.access_grant(v_group, v_door.id)).id, v_grant.id, 'granting again makes a new grant');
end
$$;

create or replace function tests.test_access_revoke__refuses_unknown_grants_and_members()
returns setof text
language plpgsql
as $$
declare
    v_door   dues.item := tests.fx_item();
    v_group  bigint := tests.fx_group();
    v_other  bigint := tests.fx_group();
    v_member bigint := tests.fx_member();
    v_before jsonb;
begin
    perform api.access_grant(v_group, v_door.id);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.access_revoke(%s, %s)', v_other, v_door.id), 'DU126', null,
                          'a group without a grant on the item');
    return next throws_ok(format('select api.access_revoke(-1, %s)', v_door.id), 'DU110', null, 'an unknown group');
    return next throws_ok(format('select api.access_revoke(%s, -1)', v_group), 'DU122', null, 'an unknown item');
    return next throws_ok(format('select api.access_revoke(%s, null)', v_group), 'DU014', 'argument item_id is required', 'a null item');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.access_revoke(%s, %s)', v_group, v_door.id), '42501', null,
                          'a member cannot revoke grants');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
