-- Tests of api.class_attendance_list.

create or replace function tests.test_class_attendance_list__lists_newest_session_first()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('per_session', '{"price_per_session": "10.00", "min_sessions": 1, "max_sessions": 10}');
    v_ann    bigint := tests.fx_member('Ann');
    v_bob    bigint := tests.fx_member('Bob');
    v_ann_s  bigint;
    v_bob_s  bigint;
    v_first  bigint;
    v_second bigint;
begin
    v_ann_s := tests.fx_class_subscription(v_ann, v_class, '{"sessions": 5}');
    v_bob_s := tests.fx_class_subscription(v_bob, v_class, '{"sessions": 2}');
    v_first := tests.fx_session(v_class, tests.fx_day(3, 2));
    v_second := tests.fx_session(v_class, tests.fx_day(3, 9));
    perform api.class_attendance_record(v_ann_s, v_first);
    perform api.class_attendance_record(v_bob_s, v_first);
    perform api.class_attendance_record(v_ann_s, v_second);
    return next results_eq(format('select class_session_id, member_id, name, sessions_left from api.class_attendance_list(%s)', v_class),
                           format('values (%s::bigint, %s::bigint, %L::text, 3), (%s, %s, %L, 1), (%s, %s, %L, 3)',
                                  v_second, v_ann, 'Ann', v_first, v_bob, 'Bob', v_first, v_ann, 'Ann'),
                           'staff see every attendance, newest first, with what each pack has left');
    return next results_eq(format('select member_id from api.class_attendance_list(%s, "limit" => 1, after => %s)', v_class,
                                  (select max(id) from dues.class_attendance where class_subscription_id = v_ann_s)),
                           format('values (%s::bigint)', v_bob), 'a page at a time, after the last id seen');
    return next throws_ok(format('select * from api.class_attendance_list(%s, "limit" => 0)', v_class), 'DU300', null,
                          'a limit below 1 is refused');
    return next results_eq(format('select member_id from api.class_attendance_list(%s, %s)', v_class, v_first),
                           format('values (%s::bigint), (%s)', v_bob, v_ann), 'one session');
    perform tests.fx_as_member(v_bob);
    return next results_eq(format('select class_session_id from api.class_attendance_list(%s, member_id => %s)', v_class, v_bob),
                           format('values (%s::bigint)', v_first), 'a member sees its own');
    return next throws_ok(format('select * from api.class_attendance_list(%s, member_id => %s)', v_class, v_ann), '42501', null,
                          'not another''s');
    return next throws_ok(format('select * from api.class_attendance_list(%s)', v_class), 'DU014', null,
                          'and says whose it asks for');
    perform tests.fx_as_staff();
    return next throws_ok(format('select * from api.class_attendance_list(%s, %s)', tests.fx_class(), v_first), 'DU70A', null,
                          'a session of another class is refused');
    return next throws_ok('select * from api.class_attendance_list(-1)', 'DU002', null, 'an unknown class is refused');
end
$$;
