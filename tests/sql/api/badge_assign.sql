-- Tests of api.badge_assign.

create or replace function tests.test_badge_assign__one_member_per_number_at_a_time()
returns setof text
language plpgsql
as $$
declare
    v_ann    bigint := tests.fx_member('Ann');
    v_bob    bigint := tests.fx_member('Bob');
    v_badge  dues.badge := api.badge_assign(v_ann, '0012345678-fx', 'new card');
    v_before jsonb := tests.fx_state();
begin
    return next is(v_badge.member_id, v_ann, 'the badge is the member''s');
    return next throws_ok(format('select api.badge_assign(%s, %L)', v_bob, '0012345678-fx'), 'DU124', 'badge 0012345678-fx is already in use',
                          'a number in use cannot be given to another');
    return next throws_ok(format('select api.badge_assign(%s, %L)', v_bob, 'with space'), 'DU01A',
                          'badge number with space must be 1 to 64 characters without spaces', 'a number has no spaces');
    return next throws_ok(format('select api.badge_assign(-1, %L)', 'x'), 'DU001', null, 'an unknown member');
    return next throws_ok('select api.badge_revoke(''no-such-badge'')', 'DU125', null, 'revoking an unknown badge');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    perform api.badge_revoke('0012345678-fx', 'lost');
    return next is((api.badge_assign(v_bob, '0012345678-fx')).member_id, v_bob, 'once revoked, the number may be given again');
    return next results_eq(format($q$select action, why from dues.audit_log where table_name = 'badge' and member_id = %s order by id$q$, v_ann),
                           $q$values ('insert'::text, 'new card'::text), ('update', 'lost')$q$, 'badges are audited with why');
end
$$;
