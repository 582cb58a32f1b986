-- Tests of dues.class_seat_check (and dues.class_seats_taken behind it), through api.order_confirm.

create or replace function tests.test_class_seat_check__refuses_a_seat_when_all_are_taken()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "20.00", "seats": 2}');
    v_third  bigint := tests.fx_member();
    v_order  bigint;
    v_before jsonb;
begin
    perform tests.fx_class_subscription(tests.fx_member(), v_class);
    perform tests.fx_confirmed_order(tests.fx_member(), v_class);
    v_order := tests.fx_order(v_third, v_class);
    perform tests.fx_pay(v_third, 20);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.order_confirm(%s)', v_order), 'DU705',
                          format('class %s has 2 seats, all taken for %s to open end', v_class, tests.fx_today()),
                          'a subscription and a confirmed order take both seats: the third is refused');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    return next is(tests.fx_order_state(v_order), 'opened', 'the order stays opened');
end
$$;

create or replace function tests.test_class_seat_check__a_seat_serves_terms_one_after_another()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1, "seats": 1}');
begin
    perform tests.fx_class_subscription(tests.fx_member(), v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    return next lives_ok(format('select tests.fx_class_subscription(%s, %s, %L)', tests.fx_member(), v_class,
                                jsonb_build_object('start_date', tests.fx_day(5, 1))),
                         'one seat takes the May term after the April one');
    return next throws_ok(format('select tests.fx_class_subscription(%s, %s, %L)', tests.fx_member(), v_class,
                                 jsonb_build_object('start_date', tests.fx_day(4, 20))), 'DU705', null,
                          'a term across both is refused');
    return next lives_ok(format('select tests.fx_class_subscription(%s, %s, %L)', tests.fx_member(), v_class,
                                jsonb_build_object('start_date', tests.fx_day(6, 1))),
                         'June is free');
end
$$;

create or replace function tests.test_class_seat_check__a_cancelled_seat_is_free_again()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1, "seats": 1}');
    v_sub   bigint;
    v_order bigint;
begin
    v_sub := tests.fx_class_subscription(tests.fx_member(), v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    v_order := tests.fx_confirmed_order(tests.fx_member(), v_class, jsonb_build_object('start_date', tests.fx_day(6, 1)));
    return next throws_ok(format('select tests.fx_class_subscription(%s, %s, %L)', tests.fx_member(), v_class,
                                 jsonb_build_object('start_date', tests.fx_day(4, 10))), 'DU705', null, 'April is taken');
    perform api.class_subscription_cancel(v_sub, tests.fx_day(4, 9));
    return next lives_ok(format('select tests.fx_class_subscription(%s, %s, %L)', tests.fx_member(), v_class,
                                jsonb_build_object('start_date', tests.fx_day(4, 10))),
                         'cancelled after 9 April, its seat takes a term from 10 April');
    return next throws_ok(format('select tests.fx_class_subscription(%s, %s, %L)', tests.fx_member(), v_class,
                                 jsonb_build_object('start_date', tests.fx_day(6, 1))), 'DU705', null,
                          'a confirmed order holds its seat');
    perform api.order_cancel(v_order);
    return next lives_ok(format('select tests.fx_class_subscription(%s, %s, %L)', tests.fx_member(), v_class,
                                jsonb_build_object('start_date', tests.fx_day(6, 1))),
                         'a cancelled order frees it');
end
$$;

create or replace function tests.test_class_seat_check__a_member_holding_a_seat_keeps_it()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('per_session', '{"price_per_session": "5.00", "min_sessions": 1, "max_sessions": 10, "seats": 1}');
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_class_subscription(v_member, v_class, '{"sessions": 2}');
    return next lives_ok(format('select tests.fx_class_subscription(%s, %s, %L)', v_member, v_class, '{"sessions": 3}'),
                         'a second pack of the member on the one seat needs no other seat');
    return next throws_ok(format('select tests.fx_class_subscription(%s, %s, %L)', tests.fx_member(), v_class, '{"sessions": 3}'),
                          'DU705', null, 'another member does');
end
$$;

create or replace function tests.test_class_seat_check__every_rule_takes_seats()
returns setof text
language plpgsql
as $$
begin
    return next is_empty($q$select r.name from dues.subscription_rule r
                             where not exists (select from dues.subscription_parameter_template t
                                                where t.rule = r.name and t.name = 'seats' and t.scope = 'class'
                                                  and t.type = 'positive_integer' and not t.required)$q$,
                         'every rule has the optional class parameter seats');
    return next lives_ok($q$select api.class_update(tests.fx_recurring_class(), params => '{"seats": 3}')$q$,
                         'a recurring class takes seats too');
end
$$;
