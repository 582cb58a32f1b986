-- Tests of api.class_waitlist_leave.

create or replace function tests.test_class_waitlist_leave__passes_a_held_seat_on()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "20.00", "seats": 1}');
    v_holder bigint := tests.fx_member();
    v_first  bigint := tests.fx_member();
    v_second bigint := tests.fx_member();
    v_sub    bigint;
    v_entry  dues.class_waitlist;
begin
    v_sub := tests.fx_class_subscription(v_holder, v_class);
    perform api.class_waitlist_join(v_class, v_first);
    perform api.class_waitlist_join(v_class, v_second);
    perform api.class_subscription_cancel(v_sub, tests.fx_today() - 1, why => 'left before the first day');
    return next is((select state from dues.class_waitlist where class_id = v_class and member_id = v_first), 'offered',
                   'the freed seat is offered to the first in line');
    perform tests.fx_as_member(v_first);
    v_entry := api.class_waitlist_leave(v_class, v_first);
    return next is((v_entry.state, v_entry.ended_by), ('left'::text, format('member %s', v_first)), 'the first leaves the list');
    return next is((select state from dues.class_waitlist where class_id = v_class and member_id = v_second), 'offered',
                   'the seat held for it goes to the second at once');
end
$$;

create or replace function tests.test_class_waitlist_leave__refuses_a_member_not_in_line()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "20.00", "seats": 1}');
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
begin
    perform tests.fx_class_subscription(tests.fx_member(), v_class);
    return next throws_ok(format('select api.class_waitlist_leave(%s, %s)', v_class, v_member), 'DU709',
                          format('member %s is not on the waiting list of class %s', v_member, v_class),
                          'a member not in line cannot leave it');
    perform api.class_waitlist_join(v_class, v_member);
    perform api.class_waitlist_leave(v_class, v_member);
    return next throws_ok(format('select api.class_waitlist_leave(%s, %s)', v_class, v_member), 'DU709', null,
                          'nor leave twice');
    perform api.class_waitlist_join(v_class, v_member);
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.class_waitlist_leave(%s, %s)', v_class, v_member), '42501', null,
                          'a member cannot take another out of line');
    perform tests.fx_as_staff();
    return next is((select state from dues.class_waitlist where class_id = v_class and member_id = v_member and ended_at is null),
                   'waiting', 'and the member is still waiting');
end
$$;
