-- Tests of api.class_waitlist_list.

create or replace function tests.test_class_waitlist_list__lists_the_line_in_order()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "20.00", "seats": 1}');
    v_first  bigint := tests.fx_member('First');
    v_second bigint := tests.fx_member('Second');
    v_gone   bigint := tests.fx_member('Gone');
begin
    perform tests.fx_class_subscription(tests.fx_member(), v_class);
    perform api.class_waitlist_join(v_class, v_first);
    perform api.class_waitlist_join(v_class, v_gone);
    perform api.class_waitlist_join(v_class, v_second);
    perform api.class_waitlist_leave(v_class, v_gone);
    return next results_eq(format('select place, member_id, name, state from api.class_waitlist_list(%s)', v_class),
                           format('values (1, %s::bigint, %L::text, %L::text), (2, %s, %L, %L)', v_first, 'First', 'waiting',
                                  v_second, 'Second', 'waiting'),
                           'staff see the line, first joined first, without those who left');
    perform tests.fx_as_member(v_second);
    return next results_eq(format('select place, member_id from api.class_waitlist_list(%s, %s)', v_class, v_second),
                           format('values (2, %s::bigint)', v_second), 'a member sees its own place only');
    return next throws_ok(format('select * from api.class_waitlist_list(%s, %s)', v_class, v_first), '42501', null,
                          'not another''s');
    return next throws_ok(format('select * from api.class_waitlist_list(%s)', v_class), 'DU014', null,
                          'and must say whose place it asks for');
    perform tests.fx_as_staff();
    return next throws_ok('select * from api.class_waitlist_list(-1)', 'DU002', null, 'an unknown class is refused');
end
$$;
