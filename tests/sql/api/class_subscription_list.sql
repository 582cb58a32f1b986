-- Tests of api.class_subscription_list.

create or replace function tests.test_class_subscription_list__lists_subscriptions_oldest_first()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_yoga   bigint := tests.fx_class('fixed_term', '{"price": 10, "months": 1}');
    v_chess  bigint := tests.fx_class('free');
    v_later  bigint := tests.fx_confirmed_order(v_member, v_yoga, jsonb_build_object('start_date', tests.fx_today() + 40));
    v_now    bigint := tests.fx_confirmed_order(v_member, v_chess);
begin
    perform api.class_subscription_confirm(v_later);
    perform api.class_subscription_confirm(v_now);
    return next results_eq(
        format('select class_id, start_date, end_date, order_id, amount from api.class_subscription_list(%s)', v_member),
        format('values (%s::bigint, tests.fx_today(), null::date, %s::bigint, 0::numeric(14,2)),
                       (%s, tests.fx_today() + 40, (tests.fx_today() + 40 + interval ''1 month'')::date - 1, %s, 10)',
               v_chess, v_now, v_yoga, v_later),
        'both subscriptions, by start date, with their orders and amounts');
end
$$;

create or replace function tests.test_class_subscription_list__is_empty_without_subscriptions()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_order(v_member, tests.fx_class());
    return next is_empty(format('select * from api.class_subscription_list(%s)', v_member),
                         'an opened order is not a subscription');
end
$$;

create or replace function tests.test_class_subscription_list__refuses_an_unknown_member()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select * from api.class_subscription_list(-1)', 'DU001', null,
                          'an unknown member is refused');
end
$$;

create or replace function tests.test_class_subscription_list__shows_cancellations_and_sessions()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_course bigint := tests.fx_class('fixed_term', '{"price": "90.00", "months": 3}');
    v_pack   bigint := tests.fx_class('per_session', '{"price_per_session": "10.00", "min_sessions": 1, "max_sessions": 10}');
    v_later  bigint;
    v_sub    bigint;
    v_packed bigint;
begin
    v_sub := tests.fx_class_subscription(v_member, v_course, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    v_later := tests.fx_class_subscription(v_member, v_course, jsonb_build_object('start_date', tests.fx_day(8, 1)));
    v_packed := tests.fx_class_subscription(v_member, v_pack, '{"sessions": 4}');
    perform api.class_subscription_cancel(v_sub, tests.fx_day(4, 30), true);
    perform api.class_subscription_cancel(v_later, tests.fx_day(7, 1), true);
    perform api.class_attendance_record(v_packed, tests.fx_session(v_pack, tests.fx_day(3, 2)));
    return next results_eq(
        format('select class_subscription_id, end_date, last_day, cancelled_on, refund, sessions_left
                  from api.class_subscription_list(%s)', v_member),
        format('values (%s::bigint, null::date, null::date, null::date, null::numeric(14,2), 3),
                       (%s, %L::date, %L::date, tests.fx_today(), 60.33::numeric(14,2), null::int),
                       (%s, %L, %L, tests.fx_today(), 90.00, null)',
               v_packed, v_sub, tests.fx_day(6, 30), tests.fx_day(4, 30), v_later, tests.fx_day(10, 31), tests.fx_day(7, 31)),
        'the term bought, the last day covered now, the cancellation and its refund, the sessions a pack has left');
end
$$;
