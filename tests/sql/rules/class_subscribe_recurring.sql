-- Tests of rule recurring (rules.class_subscribe_recurring, rules.class_check_recurring) and of the billing state a
-- subscription to a recurring class gets (trigger dues.recurring_subscription_begin).

create or replace function tests.test_class_subscribe_recurring__computes_the_term()
returns setof text
language plpgsql
as $$
begin
    return next is(rules.class_subscribe_recurring(1, 1, '{"period": "month", "amount": 30, "renewal": "auto_renew"}',
                                                   '{"start_date": "2027-04-15"}', '2027-03-01'),
                   row(0, '2027-04-15', null)::dues.rule_result,
                   'auto_renew: nothing paid through the order, from the start date, open-ended');
    return next is(rules.class_subscribe_recurring(1, 1, '{"period": "week", "period_count": 2, "amount": 30, "renewal": "one_time"}',
                                                   '{}', '2027-03-01'),
                   row(0, '2027-03-01', '2027-03-14')::dues.rule_result,
                   'one_time: one period (two weeks) from today');
    return next is(rules.class_subscribe_recurring(1, 1, '{"period": "month", "amount": 30, "renewal": "fixed", "periods": 12}',
                                                   '{"start_date": "2027-01-31"}', '2027-01-31'),
                   row(0, '2027-01-31', '2028-01-30')::dues.rule_result,
                   'fixed: twelve monthly periods from 31 January end on 30 January');
end
$$;

create or replace function tests.test_class_subscribe_recurring__refuses_bad_class_parameters()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok($q$select api.class_create('x', 'recurring', '{"period": "fortnight", "amount": 1, "renewal": "auto_renew"}')$q$,
                          'DU012', null, 'an unknown period is refused');
    return next throws_ok($q$select api.class_create('x', 'recurring', '{"period": "month", "amount": 1, "renewal": "forever"}')$q$,
                          'DU012', null, 'an unknown renewal is refused');
    return next throws_ok($q$select api.class_create('x', 'recurring', '{"period": "month", "amount": 1, "renewal": "fixed"}')$q$,
                          'DU012', null,
                          'a fixed renewal without periods is refused');
    return next throws_ok($q$select api.class_create('x', 'recurring', '{"period": "month", "amount": 1, "renewal": "auto_renew", "periods": 3}')$q$,
                          'DU012', null, 'periods without a fixed renewal is refused');
    return next throws_ok($q$select api.class_create('x', 'recurring', '{"period": "month", "amount": -1, "renewal": "auto_renew"}')$q$,
                          'DU012', null, 'a negative amount is refused');
    return next throws_ok($q$select api.class_create('x', 'recurring', '{"period": "month", "renewal": "auto_renew"}')$q$,
                          'DU010', null, 'a class without amount is refused');
    return next is(tests.fx_state(), v_before, 'no class was made');
end
$$;

create or replace function tests.test_class_subscribe_recurring__refuses_a_start_in_the_past()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok(
        $q$select rules.class_subscribe_recurring(1, 1, '{"period": "month", "amount": 30, "renewal": "auto_renew"}',
                                                  '{"start_date": "2027-02-28"}', '2027-03-01')$q$,
        'DU012', null, 'yesterday is refused');
end
$$;

create or replace function tests.test_class_subscribe_recurring__refuses_overlaps_in_one_order()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": 10, "renewal": "fixed", "periods": 2}');
    v_member bigint := tests.fx_member();
    v_first  bigint;
    v_so     bigint;
    v_before jsonb;
begin
    v_first := tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    v_before := tests.fx_state();
    return next throws_ok(format('select tests.fx_subscribe(%s, %s, %L)', v_member, v_class, tests.fx_day(2, 28)),
                          'DUB10', format('member %s already has subscription %s to class %s overlapping %s to %s',
                                          v_member, v_first, v_class, tests.fx_day(2, 28), tests.fx_day(4, 27)),
                          'a second subscription overlapping the first is refused');
    return next is(tests.fx_state(), v_before, 'nothing was made');
    return next lives_ok(format('select tests.fx_subscribe(%s, %s, %L)', v_member, v_class, tests.fx_day(3, 1)),
                         'a subscription starting the day after the first ends is accepted');
    v_so := (api.service_order_create(v_member, 'campaign site')).id;
    return next lives_ok(format('select tests.fx_subscribe(%s, %s, %L, %L)', v_member, v_class, tests.fx_day(1, 1),
                                jsonb_build_object('service_order_id', v_so)),
                         'the same class at the same time in another service order is accepted');
    return next is((select count(*)::int from dues.recurring_subscription where member_id = v_member), 3, 'three subscriptions');
end
$$;

create or replace function tests.test_class_subscribe_recurring__the_constraint_refuses_overlaps()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_so     bigint;
    v_second bigint;
begin
    v_so := (api.service_order_create(v_member, 'campaign')).id;
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    v_second := tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1), jsonb_build_object('service_order_id', v_so));
    -- bypassing the rule's check: the exclusion constraint is the last line of defence
    return next throws_ok(format('update dues.recurring_subscription set service_order_id = null where class_subscription_id = %s', v_second),
                          '23P01', null,
                          'two running subscriptions of one member to one class in the same service order violate the exclusion constraint');
    return next is((select service_order_id from dues.recurring_subscription where class_subscription_id = v_second), v_so,
                   'the subscription stays in its service order');
end
$$;

create or replace function tests.test_class_subscribe_recurring__refuses_others_or_closed_orders()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_so     bigint := (api.service_order_create(tests.fx_member(), 'not yours')).id;
    v_closed bigint := (api.service_order_create(v_other, 'old')).id;
begin
    perform api.service_order_close(v_closed);
    return next throws_ok(format('select tests.fx_subscribe(%s, %s, %L, %L)', v_member, v_class, tests.fx_day(1, 1),
                                 jsonb_build_object('service_order_id', v_so)),
                          'DUB03', null,
                          'another member''s service order is refused');
    return next throws_ok(format('select tests.fx_subscribe(%s, %s, %L, %L)', v_other, v_class, tests.fx_day(1, 1),
                                 jsonb_build_object('service_order_id', v_closed)),
                          'DUB18', format('service order %s is closed', v_closed), 'a closed service order is refused');
end
$$;

create or replace function tests.test_class_subscribe_recurring__the_order_flow_starts_billing()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew", "setup_fee": "5.00"}');
    v_member bigint := tests.fx_member();
    v_order  dues.subscription_order;
    v_sub    dues.class_subscription;
begin
    v_order := api.class_subscription_request(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(2, 1)));
    return next is(v_order.amount, 0.00::numeric(14,2), 'the order costs nothing');
    perform api.order_confirm(v_order.id);
    v_sub := api.class_subscription_confirm(v_order.id);
    return next is((select (member_id, class_id, start_date, anchor_date, end_date, billed_until)
                      from dues.recurring_subscription where class_subscription_id = v_sub.id),
                   (v_member, v_class, tests.fx_day(2, 1), tests.fx_day(2, 1), null::date, null::date),
                   'the subscription made by the order flow has its billing state');
    return next is((select (kind, amount, due_date) from dues.charge where class_subscription_id = v_sub.id),
                   ('setup_fee'::text, 5.00::numeric(14,2), tests.fx_day(2, 1)), 'and its setup fee, due on its first day');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'no money moved');
end
$$;
