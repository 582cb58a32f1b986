-- Tests of api.class_attendance_record.

create or replace function tests.test_class_attendance_record__a_pack_ends_when_used_up()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('per_session', '{"price_per_session": "10.00", "min_sessions": 1, "max_sessions": 10}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_view   dues.class_attendance_view;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, '{"sessions": 2}');
    v_view := api.class_attendance_record(v_sub, tests.fx_session(v_class, tests.fx_day(3, 2)));
    return next is((v_view.member_id, v_view.sessions_left), (v_member, 1), 'one session used, one left');
    return next ok(tests.fx_student(v_member, v_class, tests.fx_day(3, 20)), 'the pack runs on');
    v_view := api.class_attendance_record(v_sub, tests.fx_session(v_class, tests.fx_day(3, 9)));
    return next is(v_view.sessions_left, 0, 'both used');
    return next is((select during from dues.class_subscription where id = v_sub), daterange(tests.fx_today(), tests.fx_day(3, 10)),
                   'the pack ends on the day of its last session');
    return next ok(tests.fx_student(v_member, v_class, tests.fx_day(3, 9)), 'a student on that day');
    return next ok(not tests.fx_student(v_member, v_class, tests.fx_day(3, 10)), 'not after');
    return next is((api.class_subscription_cancel(v_sub, tests.fx_day(3, 20), true)).refund, 0::numeric(14,2),
                   'a pack used up has nothing to refund');
end
$$;

create or replace function tests.test_class_attendance_record__refunds_only_unused_sessions()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('per_session', '{"price_per_session": "12.50", "min_sessions": 1, "max_sessions": 10}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, '{"sessions": 4}');
    perform api.class_attendance_record(v_sub, tests.fx_session(v_class, tests.fx_day(3, 2)));
    return next is((api.class_subscription_cancel(v_sub, refund => true)).refund, 37.50::numeric(14,2),
                   'one of four sessions used: three (37.50) go back');
end
$$;

create or replace function tests.test_class_attendance_record__counts_a_dated_class_without_limit()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_after  bigint;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    return next is((api.class_attendance_record(v_sub, tests.fx_session(v_class, tests.fx_day(4, 3)))).sessions_left, null::int,
                   'a term is no pack: no sessions left to count');
    v_after := tests.fx_session(v_class, tests.fx_day(5, 1));
    return next throws_ok(format('select api.class_attendance_record(%s, %s)', v_sub, v_after), 'DU70E',
                          format('subscription %s does not cover %s, the day of session %s', v_sub, tests.fx_day(5, 1), v_after),
                          'a session after the term is refused');
end
$$;

create or replace function tests.test_class_attendance_record__refuses_bad_records()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class('per_session', '{"price_per_session": "10.00", "min_sessions": 1, "max_sessions": 10}');
    v_other   bigint := tests.fx_class('per_session', '{"price_per_session": "10.00", "min_sessions": 1, "max_sessions": 10}');
    v_member  bigint := tests.fx_member();
    v_sub     bigint;
    v_session bigint;
    v_foreign bigint;
    v_before  jsonb;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, '{"sessions": 1}');
    v_session := tests.fx_session(v_class, tests.fx_day(3, 2));
    v_foreign := tests.fx_session(v_other, tests.fx_day(3, 2));
    v_before := tests.fx_state();
    return next throws_ok(format('select api.class_attendance_record(%s, %s)', v_sub, v_foreign), 'DU70B',
                          format('session %s is one of class %s, subscription %s is to class %s', v_foreign, v_other, v_sub, v_class),
                          'a session of another class is refused');
    return next throws_ok(format('select api.class_attendance_record(%s, -1)', v_sub), 'DU70A', 'class session -1 not found',
                          'an unknown session is refused');
    return next throws_ok(format('select api.class_attendance_record(-1, %s)', v_session), 'DU700', null,
                          'an unknown subscription is refused');
    return next throws_ok(format('select api.class_attendance_record(%s, null)', v_sub), 'DU014', null, 'a null session is refused');
    return next throws_ok(format('select api.class_attendance_record(%s, %s)', v_sub, tests.fx_session(v_class, tests.fx_today() - 1)),
                          'DU70E', null, 'a session before the pack was bought is refused');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.class_attendance_record(%s, %s)', v_sub, v_session), '42501', null,
                          'a member cannot record its own attendance');
    perform tests.fx_as_staff();
    return next is(tests.fx_state() - 'class_session', v_before - 'class_session', 'the refusals changed nothing');
    perform api.class_attendance_record(v_sub, v_session);
    return next throws_ok(format('select api.class_attendance_record(%s, %s)', v_sub, tests.fx_session(v_class, tests.fx_day(3, 9))),
                          'DU70D', format('subscription %s has used its 1 sessions', v_sub), 'a pack used up is refused');
end
$$;

create or replace function tests.test_class_attendance_record__a_member_attends_once()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class('per_session', '{"price_per_session": "10.00", "min_sessions": 1, "max_sessions": 10}');
    v_member  bigint := tests.fx_member();
    v_first   bigint;
    v_second  bigint;
    v_session bigint;
begin
    v_first := tests.fx_class_subscription(v_member, v_class, '{"sessions": 3}');
    v_second := tests.fx_class_subscription(v_member, v_class, '{"sessions": 3}');
    v_session := tests.fx_session(v_class, tests.fx_day(3, 2));
    perform api.class_attendance_record(v_first, v_session);
    return next throws_ok(format('select api.class_attendance_record(%s, %s)', v_second, v_session), 'DU70C',
                          format('member %s attended session %s already', v_member, v_session),
                          'one member attends one session once, whichever pack it names');
end
$$;

create or replace function tests.test_class_attendance_record__a_used_up_pack_frees_its_seat()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class('per_session', '{"price_per_session": "10.00", "min_sessions": 1, "max_sessions": 10, "seats": 1}');
    v_member  bigint := tests.fx_member();
    v_waiting bigint := tests.fx_member();
    v_sub     bigint;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, '{"sessions": 1}');
    perform api.class_waitlist_join(v_class, v_waiting);
    perform api.class_attendance_record(v_sub, tests.fx_session(v_class, tests.fx_today() + 1));
    return next is((select state from dues.class_waitlist where member_id = v_waiting), 'waiting',
                   'used up by tomorrow''s session, the seat is still taken until then');
    perform jobs.class_waitlist(now() + interval '2 days');
    return next is((select state from dues.class_waitlist where member_id = v_waiting), 'offered',
                   'the day after, it is offered to the waiting list');
end
$$;
