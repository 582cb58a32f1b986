-- Tests of api.badge_revoke.

create or replace function tests.test_badge_revoke__a_revoked_badge_is_history_and_its_number_free()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_number  text := tests.fx_badge(v_member);
    v_revoked dues.badge := api.badge_revoke(v_number, 'lost');
begin
    return next is((v_revoked.member_id, v_revoked.revoked_at, v_revoked.revoked_by), (v_member, now(), dues.actor()),
                   'the member''s badge is revoked, with when and by whom');
    return next throws_ok(format('select api.badge_revoke(%L)', v_number), 'DU125', format('no badge %s in use', v_number),
                          'revoking it twice is refused: no badge with that number is in use');
    return next lives_ok(format('select api.badge_assign(%s, %L)', tests.fx_member(), v_number), 'its number may be given again');
    return next is((select count(*) from dues.badge where number = v_number), 2::bigint, 'the revoked badge is kept');
end
$$;

create or replace function tests.test_badge_revoke__refuses_nulls_and_members()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_number text := tests.fx_badge(v_member);
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok('select api.badge_revoke(null)', 'DU014', null, 'a null number');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.badge_revoke(%L)', v_number), '42501', null,
                          'a member cannot revoke a badge, not even its own');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
