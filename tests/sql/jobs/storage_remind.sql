-- Tests of jobs.storage_remind.

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
