-- Tests of dues.class_subscription_overlap_check and the exclusion constraint class_subscription_no_overlap behind it.

create or replace function tests.test_class_subscription_overlap_check__refuses_a_second_purchase()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_before jsonb;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class);
    perform tests.fx_pay(v_member, 40);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.class_subscription_request(%s, %s)', v_member, v_class), 'DU704',
                          format('member %s has class subscription %s of class %s for %s to open end, which overlaps %s to open end',
                                 v_member, v_sub, v_class, tests.fx_today(), tests.fx_today()),
                          'an open-ended class already held cannot be bought again');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.class_subscription_request(%s, %s)', v_member, v_class), 'DU704', null,
                          'not by the member either');
end
$$;

create or replace function tests.test_class_subscription_overlap_check__dated_terms_overlap_by_days()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_other  bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_member bigint := tests.fx_member();
    v_second bigint := tests.fx_member();
begin
    perform tests.fx_class_subscription(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_class,
                                 jsonb_build_object('start_date', tests.fx_day(4, 30))), 'DU704', null,
                          'a term starting on the last day of the first overlaps it');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_class,
                                 jsonb_build_object('start_date', tests.fx_day(3, 2))), 'DU704', null,
                          'a term ending on its first day overlaps it');
    return next lives_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_class,
                                jsonb_build_object('start_date', tests.fx_day(5, 1))),
                         'the term right after it is a renewal, not a double purchase');
    return next lives_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_other,
                                jsonb_build_object('start_date', tests.fx_day(4, 1))),
                         'another class for the same days is fine');
    return next lives_ok(format('select api.class_subscription_request(%s, %s, %L)', v_second, v_class,
                                jsonb_build_object('start_date', tests.fx_day(4, 1))),
                         'another member for the same days is fine');
end
$$;

create or replace function tests.test_class_subscription_overlap_check__two_orders_make_one_subscription()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_member bigint := tests.fx_member();
    v_first  bigint;
    v_second bigint;
begin
    -- two orders opened side by side (two browser tabs), both paid
    v_first := tests.fx_order(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    v_second := tests.fx_order(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 15)));
    perform tests.fx_pay(v_member, 60);
    perform api.order_confirm(v_first);
    return next throws_ok(format('select api.order_confirm(%s)', v_second), 'DU704', null,
                          'the second cannot be confirmed while the first is');
    perform api.class_subscription_confirm(v_first);
    return next throws_ok(format('select api.order_confirm(%s)', v_second), 'DU704', null,
                          'nor once the first is a subscription');
    return next is(tests.fx_order_state(v_second), 'opened', 'it stays opened; the member may cancel it');
    return next is((select available from api.member_balance(v_member) where currency = 'USD'), 30::numeric,
                   'its money stays available');
end
$$;

create or replace function tests.test_class_subscription_overlap_check__a_confirm_is_checked_again()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_member bigint := tests.fx_member();
    v_first  bigint;
    v_second bigint;
begin
    v_first := tests.fx_confirmed_order(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    v_second := tests.fx_order(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(5, 1)));
    perform tests.fx_pay(v_member, 30);
    perform api.order_confirm(v_second);
    -- a confirmed order that overlaps another (made before the check existed, or by psql) is refused at the last step
    update dues.subscription_order set state = 'cancelled' where id = v_second;
    return next is(tests.fx_order_state(v_second), 'cancelled', 'the second order is out of the way');
    perform api.class_subscription_confirm(v_first);
    return next is((select count(*)::int from dues.class_subscription where member_id = v_member), 1, 'one subscription');
end
$$;

create or replace function tests.test_class_subscription_overlap_check__packs_of_sessions_may_overlap()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('per_session', '{"price_per_session": "10.00", "min_sessions": 1, "max_sessions": 10}');
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_class_subscription(v_member, v_class, '{"sessions": 5}');
    return next lives_ok(format('select tests.fx_class_subscription(%s, %s, %L)', v_member, v_class, '{"sessions": 3}'),
                         'a second pack of sessions may be bought before the first is used: per_session allows overlaps');
    return next is((select array_agg(name order by name) from dues.subscription_rule where overlaps_allowed),
                   '{per_session,recurring}'::text[],
                   'per_session and recurring (guarded per service order) allow overlaps, the other rules do not');
end
$$;

create or replace function tests.test_class_subscription_overlap_check__cancelled_days_can_be_bought()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    perform api.class_subscription_cancel(v_sub, tests.fx_day(4, 10));
    return next is((select during from dues.class_subscription where id = v_sub), daterange(tests.fx_day(4, 1), tests.fx_day(4, 11)),
                   'a cancelled subscription covers its days up to its last day');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_class,
                                 jsonb_build_object('start_date', tests.fx_day(3, 15))), 'DU704', null,
                          'the days it still covers cannot be bought again');
    return next lives_ok(format('select tests.fx_class_subscription(%s, %s, %L)', v_member, v_class,
                                jsonb_build_object('start_date', tests.fx_day(4, 11))),
                         'the days after its last day can');
end
$$;

create or replace function tests.test_class_subscription_overlap_check__the_constraint_is_the_last_line()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_member bigint := tests.fx_member();
    v_sub    dues.class_subscription;
    v_order  bigint;
begin
    v_order := tests.fx_class_subscription(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    select * into v_sub from dues.class_subscription where id = v_order;
    v_order := tests.fx_order(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(6, 1)));
    return next throws_ok(format('insert into dues.class_subscription (member_id, class_id, order_id, start_date, end_date) '
                                 'values (%s, %s, %s, %L, %L)', v_member, v_class, v_order, tests.fx_day(4, 20), tests.fx_day(5, 19)),
                          '23P01', null, 'a row that overlaps another, written around the api, is refused by the constraint');
    return next throws_ok(format('update dues.class_subscription set end_date = %L where id = %s', tests.fx_day(4, 20), v_sub.id),
                          'DU042', null,
                          'a class subscription is never rewritten');
    return next throws_ok(format('update dues.class_subscription set during = %L where id = %s',
                                 daterange(tests.fx_day(4, 1), tests.fx_day(6, 1)), v_sub.id),
                          'DU042', null, 'nor given days it did not have');
end
$$;
