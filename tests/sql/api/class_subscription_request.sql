-- Tests of api.class_subscription_request.

create or replace function tests.test_class_subscription_request__opens_an_order_priced_by_the_rule()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "120.00", "months": 12}', 'GBP');
    v_order  dues.subscription_order;
begin
    perform set_config('dues.actor', 'web-shop', true);
    v_order := api.class_subscription_request(v_member, v_class, jsonb_build_object('start_date', tests.fx_today() + 7));
    return next is(v_order.state, 'opened'::dues.order_state, 'the order is opened');
    return next is(v_order.amount, 120.00::numeric(14,2), 'the rule set the amount');
    return next is(v_order.currency, 'GBP'::char(3), 'the order is in the class currency');
    return next is(v_order.start_date, tests.fx_today() + 7, 'the rule took the requested start date');
    return next is(v_order.end_date, (tests.fx_today() + 7 + interval '12 months')::date - 1, 'the rule set the last day of the term');
    return next is(v_order.params, jsonb_build_object('start_date', tests.fx_today() + 7), 'the request parameters are kept');
    return next is(v_order.class_params, '{"price": "120.00", "months": 12}'::jsonb, 'the class parameters the rule saw are kept');
    return next is(v_order.opened_by, 'web-shop', 'who opened the order is recorded');
end
$$;

create or replace function tests.test_class_subscription_request__refuses_an_unknown_member_or_class()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_class();
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.class_subscription_request(-1, %s)', v_class),
                          'DU001', null, 'an unknown member is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, -1)', v_member),
                          'DU002', null, 'an unknown class is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, null)', v_member),
                          'DU014', null, 'a null class is refused');
    return next is(tests.fx_state(), v_before, 'no order was stored');
end
$$;

create or replace function tests.test_class_subscription_request__refuses_missing_or_unknown_parameters()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_scale  bigint := tests.fx_class('sliding_scale', '{"minimum": 10, "maximum": 100}');
    v_pay    bigint := tests.fx_class('single_payment', '{"price": 10}');
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.class_subscription_request(%s, %s)', v_member, v_scale),
                          'DU010', null, 'a missing request parameter is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_scale, '{"amount": null}'),
                          'DU010', null, 'a JSON null counts as missing');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_pay, '{"coupon": "FREE"}'),
                          'DU011', null, 'an unknown parameter is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_pay, '{"price": 0}'),
                          'DU011', null,
                          'a member cannot set the class price');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_pay, '"cheap"'),
                          'DU01K', null, 'params that are not an object are refused');
    return next is(tests.fx_state(), v_before, 'no order was stored');
end
$$;

create or replace function tests.test_class_subscription_request__refuses_values_of_the_wrong_type()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_term   bigint := tests.fx_class('fixed_term', '{"price": 10, "months": 1}');
    v_scale  bigint := tests.fx_class('sliding_scale', '{"minimum": 10, "maximum": 100}');
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_term, '{"start_date": "next monday"}'),
                          'DU012', null, 'a date in words is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_term, '{"start_date": "2031-02-30"}'),
                          'DU012', null, 'an impossible date is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_scale, '{"amount": [20]}'),
                          'DU012', null, 'an amount that is not a number is refused');
    return next is(tests.fx_state(), v_before, 'no order was stored');
end
$$;

create or replace function tests.test_class_subscription_request__refuses_values_the_rule_refuses()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_term   bigint := tests.fx_class('fixed_term', '{"price": 10, "months": 1}');
    v_scale  bigint := tests.fx_class('sliding_scale', '{"minimum": 10, "maximum": 100}');
begin
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_term,
                                 jsonb_build_object('start_date', tests.fx_today() - 1)),
                          'DU012', null,
                          'a start date in the past is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, %L)', v_member, v_scale, '{"amount": 5}'),
                          'DU012', null, 'an amount below the minimum is refused');
end
$$;
