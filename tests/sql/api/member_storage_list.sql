-- Tests of api.member_storage_list.

create or replace function tests.test_member_storage_list__the_slots_held_now_with_their_latest_renewal()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_shelf   bigint := tests.fx_slot('3 months');
    v_locker  bigint := tests.fx_slot('1 year');
    v_gone    bigint := tests.fx_slot();
    v_first   dues.storage_renewal;
    v_second  dues.storage_renewal;
begin
    perform api.storage_assign(v_shelf, v_member, '2026-01-01');
    perform api.storage_assign(v_locker, v_member, '2026-01-01');
    perform api.storage_assign(v_gone, v_member, '2026-01-01');
    perform api.storage_release(v_gone);
    perform tests.fx_as_member(v_member);
    v_first := api.storage_renewal_request(v_shelf, 'one more season');
    perform tests.fx_as_staff();
    perform api.storage_renewal_decide(v_first.id, false, 'the shelf is wanted');
    perform tests.fx_as_member(v_member);
    v_second := api.storage_renewal_request(v_shelf, 'please');
    return next results_eq(
        format('select slot_id, expires_on, renewal_id, renewal_note, renewal_decision from api.member_storage_list(%s)', v_member),
        format($q$values (%s::bigint, '2026-03-31'::date, %s::bigint, 'please'::text, null::text),
                         (%s, '2026-12-31', null, null, null)$q$, v_shelf, v_second.id, v_locker),
        'the member''s own slots, soonest expiry first, each with its latest (here open) renewal; a released one is left out');
    perform tests.fx_as_staff();
    perform api.storage_renewal_decide(v_second.id, true, 'granted');
    return next results_eq(
        format('select expires_on, renewal_decision, renewal_decision_note from api.member_storage_list(%s) where slot_id = %s',
               v_member, v_shelf),
        $q$values ('2026-06-30'::date, 'accepted'::text, 'granted'::text)$q$,
        'staff see it too, with the decision and the new expiry');
    return next is_empty(format('select * from api.member_storage_list(%s)', tests.fx_member()), 'a member without a slot: none');
end
$$;

create or replace function tests.test_member_storage_list__refuses_unknown_members_and_others()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
begin
    perform api.storage_assign(tests.fx_slot(), v_member);
    return next throws_ok('select * from api.member_storage_list(-1)', 'DU001', null, 'an unknown member');
    return next throws_ok('select * from api.member_storage_list(null)', 'DU014', null, 'a null member');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select * from api.member_storage_list(%s)', v_member), '42501', null,
                          'a member calling it for someone else is refused');
    return next is(tests.fx_error(format('select * from api.member_storage_list(%s)', v_member)),
                   tests.fx_error('select * from api.member_storage_list(-1)'),
                   'alike whether that member exists or not');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select * from api.member_storage_list(%s)', v_member), '42501', null,
                          'nor to a request without a token');
end
$$;
