-- Tests of api.class_update: title, description and parameter values change for new orders; opened orders keep theirs;
-- a recurring class's terms stay while subscriptions are billed by them.

create or replace function tests.test_class_update__new_orders_take_new_values_old_ones_keep_theirs()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "25.00"}');
    v_member bigint := tests.fx_member();
    v_old    bigint := tests.fx_order(v_member, v_class);
    v_view   dues.class_view;
    v_new    bigint;
begin
    v_view := api.class_update(v_class, title => 'Pottery II', description => 'Wheel', params => '{"price": "30.00"}',
                               why => 'clay costs more');
    return next is((v_view.title, v_view.description, v_view.params), ('Pottery II'::text, 'Wheel'::text, '{"price": "30.00"}'::jsonb),
                   'the title, description and price change');
    v_new := tests.fx_order(v_member, v_class);
    return next is((select amount from dues.subscription_order where id = v_new), 30.00::numeric(14,2), 'a new order costs the new price');
    return next is((select (amount, class_params) from dues.subscription_order where id = v_old),
                   (25.00::numeric(14,2), '{"price": "25.00"}'::jsonb), 'an order opened before keeps its price');
    return next is((select why from dues.audit_log where table_name = 'class_subscription_parameter' and row_id = v_class
                     order by id desc limit 1), 'clay costs more', 'the change of price is audited with why');
    return next is((select new ->> 'title' from dues.audit_log where table_name = 'class' and row_id = v_class), 'Pottery II',
                   'and so is the title');
    return next is((api.class_update(v_class, description => '')).description, null, 'an empty description clears it');
    return next is((api.class_update(v_class)).title, 'Pottery II', 'what is left out keeps its value');
end
$$;

create or replace function tests.test_class_update__refuses_bad_values_and_changes_nothing()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('sliding_scale', '{"minimum": "5.00", "maximum": "50.00"}');
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok(format('select api.class_update(%s, title => %L)', v_class, ' '), 'DU017', null, 'a blank title');
    return next throws_ok(format('select api.class_update(%s, params => %L)', v_class, '[1]'), 'DU01K', null, 'params not an object');
    return next throws_ok(format('select api.class_update(%s, params => %L)', v_class, '{"price": "5.00"}'), 'DU011', null,
                          'a parameter the rule does not have');
    return next throws_ok(format('select api.class_update(%s, params => %L)', v_class, '{"minimum": "-1"}'), 'DU012', null,
                          'a value its type refuses');
    return next throws_ok(format('select api.class_update(%s, params => %L)', v_class, '{"minimum": "60.00"}'), 'DU012', null,
                          'values the rule finds inconsistent together (a minimum above the maximum)');
    return next throws_ok('select api.class_update(987654321, title => ''X'')', 'DU002', null, 'an unknown class');
    return next throws_ok('select api.class_update(null)', 'DU014', null, 'class_id is required');
    return next is(tests.fx_state(), v_before, 'and nothing changed');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok(format('select api.class_update(%s, title => %L)', v_class, 'Mine'), '42501', null, 'staff only');
end
$$;

create or replace function tests.test_class_update__a_recurring_classs_terms_stay_while_it_bills()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_sub    bigint := tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
begin
    return next throws_ok(format('select api.class_update(%s, params => %L)', v_class, '{"amount": "35.00"}'), 'DU30C',
                          format('class %s has subscriptions still to bill: its amount cannot change under them', v_class),
                          'its amount does not change under a running subscription');
    return next throws_ok(format('select api.class_update(%s, params => %L)', v_class, '{"renewal": "one_time"}'), 'DU30C', null,
                          'nor its renewal');
    return next is((api.class_update(v_class, params => '{"setup_fee": "10.00", "amount": "30.00"}')).params ->> 'setup_fee', '10.00',
                   'its setup fee may change (and a value given again unchanged)');
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(1, 31));
    perform tests.fx_collect(tests.fx_day(1, 1));
    return next is((api.class_update(v_class, params => '{"amount": "35.00"}')).params ->> 'amount', '35.00',
                   'once its subscriptions are billed to their end, its terms may change');
end
$$;
