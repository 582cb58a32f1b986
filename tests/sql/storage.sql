-- Tests of storage slots: types, slots, assignment, renewals, release, and jobs.storage_remind.

create or replace function tests.test_storage_assign__gives_a_free_slot_for_its_term()
returns setof text
language plpgsql
as $$
declare
    v_slot   bigint := tests.fx_slot();
    v_member bigint := tests.fx_member();
    v_view   dues.storage_view := api.storage_assign(v_slot, v_member, '2026-03-01', null, 'asked at the meeting');
    v_other  bigint := tests.fx_member();
    v_slot2  bigint := tests.fx_slot();
    v_before jsonb;
begin
    return next is((v_view.member_id, v_view.starts_on, v_view.expires_on), (v_member, '2026-03-01'::date, '2026-05-31'::date),
                   'the slot is the member''s for the type''s term (3 months, last day inclusive)');
    return next is((select why from dues.audit_log where table_name = 'storage_assignment' and member_id = v_member),
                   'asked at the meeting', 'the assignment is audited');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.storage_assign(%s, %s)', v_slot, v_other), 'DU132',
                          format('storage slot %s is assigned already', (select label from dues.storage_slot where id = v_slot)),
                          'a slot in use cannot be given to another member');
    return next throws_ok(format('select api.storage_assign(-1, %s)', v_member), 'DU131', 'storage slot -1 not found', 'an unknown slot');
    return next throws_ok(format('select api.storage_assign(%s, -1)', v_slot), 'DU001', 'member -1 not found', 'an unknown member');
    return next throws_ok(format('select api.storage_assign(%s, %s, %L, %L)', v_slot2, v_member, '2026-03-01', '2026-02-01'),
                          'DU013', 'expires_on 2026-02-01 is before starts_on 2026-03-01', 'an expiry before the start');
    return next is(tests.fx_state(), v_before, 'nothing was assigned');
end
$$;

create or replace function tests.test_storage_release__frees_the_slot_and_keeps_history()
returns setof text
language plpgsql
as $$
declare
    v_slot   bigint := tests.fx_slot();
    v_ann    bigint := tests.fx_member('Ann');
    v_bob    bigint := tests.fx_member('Bob');
    v_first  dues.storage_view := api.storage_assign(v_slot, v_ann);
begin
    perform api.storage_renewal_request(v_slot, 'more please');
    perform api.storage_release(v_slot, 'emptied');
    return next is((select (ended_on, end_reason) from dues.storage_assignment where id = v_first.assignment_id),
                   (tests.fx_today(), 'emptied'::text), 'the assignment ends today, with the reason');
    return next is((select decision from dues.storage_renewal where assignment_id = v_first.assignment_id), 'rejected',
                   'its open renewal request ends with it');
    return next is((api.storage_assign(v_slot, v_bob)).member_id, v_bob, 'the slot can be given again');
    perform api.storage_release(v_slot);
    return next throws_ok(format('select api.storage_release(%s)', v_slot), 'DU132', format('storage slot %s is not assigned', v_slot),
                          'a free slot cannot be released');
end
$$;

create or replace function tests.test_storage_renewal__accepted_extends_by_one_term()
returns setof text
language plpgsql
as $$
declare
    v_slot    bigint := tests.fx_slot();
    v_member  bigint := tests.fx_member();
    v_view    dues.storage_view := api.storage_assign(v_slot, v_member, '2026-03-01');
    v_request dues.storage_renewal;
    v_again   dues.storage_renewal;
begin
    perform tests.fx_as_member(v_member);
    v_request := api.storage_renewal_request(v_slot, 'still building the robot');
    v_again := api.storage_renewal_request(v_slot);
    perform tests.fx_as_staff();
    return next is(v_again.id, v_request.id, 'asking again returns the open request');
    v_request := api.storage_renewal_decide(v_request.id, true, 'fine');
    return next is((v_request.decision, v_request.new_expires_on), ('accepted'::text, '2026-08-31'::date),
                   'an accepted renewal extends the slot by one term from its expiry');
    return next is((select expires_on from dues.storage_assignment where id = v_view.assignment_id), '2026-08-31'::date,
                   'the assignment now expires then');
    return next results_eq(format($q$select data ->> 'decision', data ->> 'expires_on' from tests.fx_outbox('storage_renewal_decided', %L)$q$,
                                  tests.fx_email(v_member)),
                           $q$values ('accepted'::text, '2026-08-31'::text)$q$, 'the member is told');
    return next throws_ok(format('select api.storage_renewal_decide(%s, false)', v_request.id), 'DU134',
                          format('storage renewal request %s was accepted already', v_request.id), 'a request is decided once');
end
$$;

create or replace function tests.test_storage_renewal__rejected_changes_nothing_else()
returns setof text
language plpgsql
as $$
declare
    v_slot    bigint := tests.fx_slot();
    v_member  bigint := tests.fx_member();
    v_view    dues.storage_view := api.storage_assign(v_slot, v_member, '2026-03-01');
    v_request dues.storage_renewal := api.storage_renewal_request(v_slot);
begin
    v_request := api.storage_renewal_decide(v_request.id, false, 'others are waiting');
    return next is((v_request.decision, v_request.new_expires_on), ('rejected'::text, null::date), 'a rejected request');
    return next is((select expires_on from dues.storage_assignment where id = v_view.assignment_id), '2026-05-31'::date,
                   'leaves the expiry as it was');
    return next throws_ok('select api.storage_renewal_decide(-1, true)', 'DU133', 'storage renewal request -1 not found', 'an unknown request');
end
$$;

create or replace function tests.test_storage_renewal_request__only_by_the_holder_or_staff()
returns setof text
language plpgsql
as $$
declare
    v_slot   bigint := tests.fx_slot();
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_free   bigint := tests.fx_slot();
    v_before jsonb;
begin
    perform api.storage_assign(v_slot, v_member);
    v_before := tests.fx_state();
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.storage_renewal_request(%s)', v_slot), '42501', format('not allowed to act on storage slot %s', v_slot),
                          'another member cannot renew a slot (and learns nothing of who holds it)');
    return next is(tests.fx_error(format('select api.storage_renewal_request(%s)', v_free)),
                   tests.fx_error(format('select api.storage_renewal_request(%s)', v_slot)),
                   'a free slot is refused alike');
    return next throws_ok('select api.storage_renewal_request(-7)', '42501', 'not allowed to act on storage slot -7',
                          'and so is one that does not exist');
    return next throws_ok(format('select api.storage_renewal_decide(1, true)'), '42501', 'only staff may do this',
                          'nor decide a renewal');
    return next throws_ok(format('select api.storage_assign(%s, %s)', v_free, v_other), '42501', 'only staff may do this',
                          'nor take a slot');
    perform tests.fx_as_staff();
    return next throws_ok(format('select api.storage_renewal_request(%s)', v_free), 'DU132', format('storage slot %s is not assigned', v_free),
                          'a free slot has nothing to renew');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;

create or replace function tests.test_storage_remind__reminds_once_per_expiry()
returns setof text
language plpgsql
as $$
declare
    v_slot    bigint := tests.fx_slot('3 months', '14 days');
    v_member  bigint := tests.fx_member();
    v_today   date := tests.fx_today();
    v_view    dues.storage_view := api.storage_assign(v_slot, v_member, v_today, v_today + 30);
    v_request dues.storage_renewal;
begin
    perform jobs.storage_remind(now() + interval '15 days');
    return next is_empty(format('select * from tests.fx_outbox(%L, %L)', 'storage_reminder', tests.fx_email(v_member)),
                         '15 days before expiry: no reminder yet');
    return next is((jobs.storage_remind(now() + interval '16 days') ->> 'reminded')::int >= 1, true, '14 days before expiry: reminded');
    perform jobs.storage_remind(now() + interval '16 days');
    perform jobs.storage_remind(now() + interval '20 days');
    return next results_eq(format($q$select data ->> 'expires_on' from tests.fx_outbox('storage_reminder', %L)$q$, tests.fx_email(v_member)),
                           format('values (%L::text)', v_today + 30), 'once');
    v_request := api.storage_renewal_request(v_slot);
    perform api.storage_renewal_decide(v_request.id, true);
    perform jobs.storage_remind(now() + interval '25 days');
    return next is((select count(*) from tests.fx_outbox('storage_reminder', tests.fx_email(v_member))), 1::bigint,
                   'after a renewal, not before the new expiry comes near');
    perform jobs.storage_remind(now() + ((select expires_on from dues.storage_assignment where id = v_view.assignment_id) - v_today - 10) * interval '1 day');
    return next is((select count(*) from tests.fx_outbox('storage_reminder', tests.fx_email(v_member))), 2::bigint,
                   'then once more for the new expiry');
end
$$;

create or replace function tests.test_storage_remind__flags_slots_of_members_who_left()
returns setof text
language plpgsql
as $$
declare
    v_slot   bigint := tests.fx_slot();
    v_member bigint := tests.fx_joined_member();
    v_view   dues.storage_view;
begin
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(now());
    v_view := api.storage_assign(v_slot, v_member);
    perform jobs.storage_remind(now());
    return next is((select flagged_on from dues.storage_assignment where id = v_view.assignment_id), null,
                   'the slot of a member is not flagged');
    perform jobs.expire(now() + interval '90 days');
    perform jobs.storage_remind(now() + interval '90 days');
    return next is((select (flagged_on, flag_reason) from dues.storage_assignment where id = v_view.assignment_id),
                   (tests.fx_today() + 90, 'member left: not in group members'::text), 'once it left members, its slot is flagged');
    return next is((select count(*) from api.storage_list(true) where slot_id = v_slot), 1::bigint, 'and listed as flagged');
    perform tests.fx_pay_at(v_member, now() + interval '100 days');
    perform jobs.expire(now() + interval '100 days');
    perform jobs.storage_remind(now() + interval '100 days');
    return next is((select flagged_on from dues.storage_assignment where id = v_view.assignment_id), null,
                   'a member who came back gets its flag lifted');
end
$$;
