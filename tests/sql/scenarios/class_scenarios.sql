-- Stories of classes bought through the order flow (class_subscription_request -> register_payment -> order_confirm ->
-- class_subscription_confirm), told from the member's side: a course cancelled and refunded, a course bought twice, a
-- full class and its waiting list, a pack of sessions used up. Every date is in next year (tests.fx_day) or from today on,
-- so start dates are never in the past. The teardown checks api.ledger_check() after each story.

create or replace function tests.test_class_scenarios__a_course_cancelled_and_refunded()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class('fixed_term', '{"price": "120.00", "months": 2}');
    v_member  bigint := tests.fx_member('Cal Cancel');
    v_order   dues.subscription_order;
    v_payment dues.payment;
    v_sub     dues.class_subscription;
    v_cancel  dues.class_subscription_cancellation;
    v_refund  dues.refund;
begin
    -- the member asks for the March and April course, pays it by PayPal and subscribes, with its own token
    perform tests.fx_as_member(v_member);
    v_order := api.class_subscription_request(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(3, 1)));
    return next is((v_order.amount, v_order.start_date, v_order.end_date),
                   (120.00::numeric(14,2), tests.fx_day(3, 1), tests.fx_day(4, 30)), 'two months cost 120.00: 1 March to 30 April');
    perform tests.fx_as_staff();
    v_payment := api.register_payment(v_member, 120, 'USD', 'paypal', 'PP-CAL-1');
    perform tests.fx_as_member(v_member);
    perform api.order_confirm(v_order.id);
    v_sub := api.class_subscription_confirm(v_order.id);
    return next ok(tests.fx_student(v_member, v_class, tests.fx_day(3, 1)), 'on 1 March the member is a student');

    -- three weeks in, the member stops coming and cancels after 21 March: a member cannot ask for its money back
    return next throws_ok(format('select api.class_subscription_cancel(%s, %L, true)', v_sub.id, tests.fx_day(3, 21)), '42501', null,
                          'the member alone cannot take money out of the class');
    perform tests.fx_as_staff();
    -- staff cancel it with a refund of the unused days: 40 of 61
    v_cancel := api.class_subscription_cancel(v_sub.id, tests.fx_day(3, 21), true, 'moved away');
    return next is(v_cancel.refund, 78.69::numeric(14,2), 'the 40 days from 22 March are worth 120.00 - R(120.00 x 21/61) = 78.69');
    return next is((select dues.ledger_balance(id) from dues.ledger_account where class_id = v_class), 41.31::numeric,
                   'the class keeps the 21 days used');
    return next ok(tests.fx_student(v_member, v_class, tests.fx_day(3, 21)), 'a student on 21 March');
    return next ok(not tests.fx_student(v_member, v_class, tests.fx_day(3, 22)), 'no longer on 22 March');
    return next throws_ok(format('select api.class_subscription_cancel(%s, %L, true)', v_sub.id, tests.fx_day(3, 10)), 'DU701', null,
                          'a second cancellation, with a second refund, is refused');

    -- the refund is credit until it is paid out through PayPal
    return next is((select available from api.member_balance(v_member) where currency = 'USD'), 78.69::numeric,
                   'the refund waits on the member''s credit');
    v_refund := api.payment_refund(v_payment.id, 78.69, 'PP-CAL-REFUND-1', 'course cancelled');
    return next is(v_refund.amount, 78.69::numeric(14,2), 'payment_refund pays it back through PayPal');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'the member''s credit is empty again');
    return next is((select p.amount from dues.ledger_posting p join dues.ledger_account a on a.id = p.account_id
                     where p.transaction_id = v_refund.ledger_transaction_id and a.payment_method = 'paypal'),
                   78.69::numeric(14,2), 'the money leaves through PayPal''s account');
    return next is((select array_agg(t.kind order by t.id) from dues.ledger_transaction t
                     join dues.ledger_posting p on p.transaction_id = t.id
                     join dues.ledger_account a on a.id = p.account_id
                    where a.member_id = v_member),
                   '{payment,class_subscription,class_subscription_refund,refund}'::text[],
                   'the member''s credit saw the payment, the course, its refund and the payout');
end
$$;

create or replace function tests.test_class_scenarios__a_course_bought_twice()
returns setof text
language plpgsql
as $$
declare
    v_course bigint := tests.fx_class('fixed_term', '{"price": "60.00", "months": 1}');
    v_pack   bigint := tests.fx_class('per_session', '{"price_per_session": "8.00", "min_sessions": 5, "max_sessions": 20}');
    v_member bigint := tests.fx_member('Dee Double');
    v_first  dues.subscription_order;
    v_second dues.subscription_order;
    v_sub    dues.class_subscription;
begin
    perform tests.fx_as_member(v_member);
    -- two tabs: the June course asked for twice, paid twice by mistake
    v_first := api.class_subscription_request(v_member, v_course, jsonb_build_object('start_date', tests.fx_day(6, 1)));
    v_second := api.class_subscription_request(v_member, v_course, jsonb_build_object('start_date', tests.fx_day(6, 1)));
    perform tests.fx_as_staff();
    perform tests.fx_pay(v_member, 120);
    perform tests.fx_as_member(v_member);
    perform api.order_confirm(v_first.id);
    return next throws_ok(format('select api.order_confirm(%s)', v_second.id), 'DU704', null,
                          'the second order of the same days is refused: the first holds them');
    v_sub := api.class_subscription_confirm(v_first.id);
    perform api.order_cancel(v_second.id);
    return next is((select available from api.member_balance(v_member) where currency = 'USD'), 60::numeric,
                   'the second payment stays the member''s credit');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_course,
                                 jsonb_build_object('start_date', tests.fx_day(6, 15))), 'DU704', null,
                          'nor can the member buy half of June again');

    -- July is another term, bought with the credit left
    v_second := api.class_subscription_request(v_member, v_course, jsonb_build_object('start_date', tests.fx_day(7, 1)));
    perform api.order_confirm(v_second.id);
    perform api.class_subscription_confirm(v_second.id);
    return next ok(tests.fx_student(v_member, v_course, tests.fx_day(6, 30)) and tests.fx_student(v_member, v_course, tests.fx_day(7, 1)),
                   'June and July follow each other');

    -- plans change: June is cancelled before it starts, and bought again from the 15th
    perform tests.fx_as_staff();
    perform api.class_subscription_cancel(v_sub.id, tests.fx_day(5, 31), true, 'starts late');
    perform tests.fx_as_member(v_member);
    v_first := api.class_subscription_request(v_member, v_course, jsonb_build_object('start_date', tests.fx_day(5, 15)));
    return next is((v_first.start_date, v_first.end_date), (tests.fx_day(5, 15), tests.fx_day(6, 14)),
                   'once cancelled, its days can be bought again');

    -- packs of sessions are bought (and paid, at the desk) as often as they run out
    perform tests.fx_as_staff();
    perform tests.fx_class_subscription(v_member, v_pack, '{"sessions": 5}');
    return next lives_ok(format('select tests.fx_class_subscription(%s, %s, %L)', v_member, v_pack, '{"sessions": 5}'),
                         'a second pack of sessions is no double purchase');
end
$$;

create or replace function tests.test_class_scenarios__a_full_class_and_its_waiting_list()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class('fixed_term', '{"price": "50.00", "months": 2, "seats": 2}');
    v_ann     bigint := tests.fx_member('Ann Early');
    v_bob     bigint := tests.fx_member('Bob Early');
    v_cat     bigint := tests.fx_member('Cat Waiting');
    v_dan     bigint := tests.fx_member('Dan Waiting');
    v_start   jsonb  := jsonb_build_object('start_date', tests.fx_today() + 7);
    v_ann_sub bigint;
    v_order   dues.subscription_order;
begin
    -- the pottery course starts next week; two seats, taken by Ann and Bob
    v_ann_sub := tests.fx_class_subscription(v_ann, v_class, v_start);
    perform tests.fx_class_subscription(v_bob, v_class, v_start);

    -- Cat has paid but finds the class full, and joins the waiting list; so does Dan, after her
    v_order := api.class_subscription_request(v_cat, v_class, v_start);
    perform tests.fx_pay(v_cat, 50);
    return next throws_ok(format('select api.order_confirm(%s)', v_order.id), 'DU705', null, 'Cat finds no seat free');
    perform tests.fx_as_member(v_cat);
    return next is((api.class_waitlist_join(v_class, v_cat)).state, 'waiting', 'Cat waits, first in line');
    perform tests.fx_as_member(v_dan);
    perform api.class_waitlist_join(v_class, v_dan);
    return next is((select place from api.class_waitlist_list(v_class, v_dan)), 2, 'Dan sees he is second');

    -- Ann cancels before the course starts, with her money back: her seat is Cat's for 48 hours
    perform tests.fx_as_staff();
    perform api.class_subscription_cancel(v_ann_sub, tests.fx_today(), true, 'cannot come');
    return next is((select array_agg(state order by place) from api.class_waitlist_list(v_class)), '{offered,waiting}'::text[],
                   'the freed seat is offered to Cat, Dan waits');
    return next is((select data ->> 'class' from tests.fx_outbox('class_seat_offered', tests.fx_email(v_cat))),
                   (select title from dues.class where id = v_class), 'Cat is told by e-mail');
    return next throws_ok(format('select tests.fx_class_subscription(%s, %s, %L)', v_dan, v_class, v_start), 'DU705', null,
                          'Dan cannot take the seat held for Cat');

    -- Cat takes it with the order she had opened
    perform tests.fx_as_member(v_cat);
    perform api.order_confirm(v_order.id);
    perform api.class_subscription_confirm(v_order.id);
    return next ok(tests.fx_student(v_cat, v_class, tests.fx_today() + 7), 'Cat is a student when the course starts');
    perform tests.fx_as_member(v_dan);
    return next is((select array_agg(member_id order by place) from api.class_waitlist_list(v_class, v_dan)), array[v_dan],
                   'Dan is now first in line');
    perform tests.fx_as_staff();
    return next is((select state from dues.class_waitlist where member_id = v_cat), 'served', 'Cat''s place is served');
    return next is(tests.fx_member_balance(v_ann), 50::numeric, 'Ann''s refund waits on her credit');
end
$$;

create or replace function tests.test_class_scenarios__a_pack_of_sessions_used_up()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('per_session', '{"price_per_session": "15.00", "min_sessions": 3, "max_sessions": 10}');
    v_member bigint := tests.fx_member('Pia Pack');
    v_first  bigint;
    v_second bigint;
    v_cancel dues.class_subscription_cancellation;
begin
    -- Pia buys three yoga sessions; the teacher records her on the first three Tuesdays of March
    v_first := tests.fx_class_subscription(v_member, v_class, '{"sessions": 3}');
    perform api.class_attendance_record(v_first, tests.fx_session(v_class, tests.fx_day(3, 2)));
    perform api.class_attendance_record(v_first, tests.fx_session(v_class, tests.fx_day(3, 9)));
    return next is((select sessions_left from api.class_attendance_list(v_class, member_id => v_member) limit 1), 1,
                   'after two Tuesdays one session is left');
    perform api.class_attendance_record(v_first, tests.fx_session(v_class, tests.fx_day(3, 16)));
    return next ok(not tests.fx_student(v_member, v_class, tests.fx_day(3, 17)), 'used up, the pack ends after the third Tuesday');
    return next throws_ok(format('select api.class_attendance_record(%s, %s)', v_first, tests.fx_session(v_class, tests.fx_day(3, 23))),
                          'DU70D', null, 'the fourth Tuesday is not on the old pack');

    -- she buys a pack of five, comes twice, then moves away: three unused sessions go back
    v_second := tests.fx_class_subscription(v_member, v_class, '{"sessions": 5}');
    perform api.class_attendance_record(v_second, (select id from dues.class_session where class_id = v_class
                                                     and starts_at = (tests.fx_day(3, 23) + time '12:00') at time zone 'UTC'));
    perform api.class_attendance_record(v_second, tests.fx_session(v_class, tests.fx_day(3, 30)));
    return next is((select array_agg(sessions_left order by starts_at) from api.class_attendance_list(v_class, member_id => v_member)
                     where class_subscription_id = v_second), '{3,3}'::int[], 'the new pack has three left');
    v_cancel := api.class_subscription_cancel(v_second, tests.fx_day(3, 31), true, 'moved away');
    return next is(v_cancel.refund, 45.00::numeric(14,2), 'three sessions of 15.00 are refunded');
    return next is((select dues.ledger_balance(id) from dues.ledger_account where class_id = v_class), 75::numeric,
                   'the class keeps the five sessions she came to');
    return next is((select count(*)::int from api.class_attendance_list(v_class, member_id => v_member)), 5,
                   'five attendances in all');
end
$$;
