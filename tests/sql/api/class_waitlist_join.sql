-- Tests of api.class_waitlist_join.

create or replace function tests.test_class_waitlist_join__waits_for_a_seat()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "20.00", "seats": 1}');
    v_member bigint := tests.fx_member();
    v_entry  dues.class_waitlist;
begin
    perform tests.fx_class_subscription(tests.fx_member(), v_class);
    perform tests.fx_as_member(v_member);
    v_entry := api.class_waitlist_join(v_class, v_member);
    return next is((v_entry.state, v_entry.offered_at, v_entry.joined_by), ('waiting'::text, null::timestamptz, format('member %s', v_member)),
                   'the member waits: the one seat is taken');
    return next is((select count(*)::int from tests.fx_outbox('class_seat_offered', tests.fx_email(v_member))), 0, 'no offer yet');
end
$$;

create or replace function tests.test_class_waitlist_join__a_free_seat_is_offered_at_once()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "20.00", "seats": 2}');
    v_member bigint := tests.fx_member();
    v_entry  dues.class_waitlist;
begin
    perform tests.fx_class_subscription(tests.fx_member(), v_class);
    v_entry := api.class_waitlist_join(v_class, v_member);
    return next is((v_entry.state, v_entry.offer_expires_at - v_entry.offered_at), ('offered'::text, interval '48 hours'),
                   'a seat is free: it is offered at once, held for 48 hours (class_seat_offer_hours)');
    return next is((select data ->> 'class_id' from tests.fx_outbox('class_seat_offered', tests.fx_email(v_member))), v_class::text,
                   'the member is told by e-mail');
end
$$;

create or replace function tests.test_class_waitlist_join__refuses_bad_joins()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "20.00", "seats": 1}');
    v_open   bigint := tests.fx_class('single_payment', '{"price": "20.00"}');
    v_member bigint := tests.fx_member();
    v_holder bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_before jsonb;
begin
    perform tests.fx_class_subscription(v_holder, v_class);
    perform api.class_waitlist_join(v_class, v_member);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.class_waitlist_join(%s, %s)', v_class, v_member), 'DU707',
                          format('member %s is on the waiting list of class %s since %s (waiting)', v_member, v_class,
                                 (select joined_at from dues.class_waitlist where member_id = v_member)),
                          'a member waits once');
    return next throws_ok(format('select api.class_waitlist_join(%s, %s)', v_open, v_member), 'DU706',
                          format('class %s has no seat limit: subscribe to it', v_open), 'a class without seats has no list');
    return next throws_ok(format('select api.class_waitlist_join(%s, %s)', v_class, v_holder), 'DU708',
                          format('member %s holds a seat of class %s already', v_holder, v_class),
                          'a member holding a seat does not wait for another');
    return next throws_ok(format('select api.class_waitlist_join(-1, %s)', v_member), 'DU002', null, 'an unknown class is refused');
    return next throws_ok(format('select api.class_waitlist_join(null, %s)', v_member), 'DU014', null, 'a null class is refused');
    return next throws_ok(format('select api.class_waitlist_join(%s, null)', v_class), 'DU014', null, 'a null member is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.class_waitlist_join(%s, %s)', v_class, v_holder), '42501', null,
                          'a member cannot put another in line');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.class_waitlist_join(%s, %s)', v_class, v_other), '42501', null,
                          'nor can a request without a token');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'the refusals changed nothing');
    perform api.class_close(v_class);
    return next throws_ok(format('select api.class_waitlist_join(%s, %s)', v_class, v_other), 'DU30A', null,
                          'a closed class takes nobody in line');
end
$$;
