-- Tests of api.recurring_subscription_list.

create or replace function tests.test_recurring_subscription_list__shows_the_billing_state()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_sub    bigint;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform api.period_amount_set(v_member, v_class, 25, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 20));
    return next is((select (class_subscription_id, class_id, start_date, end_date, billed_until, renewal, period, period_amount, currency)
                      from api.recurring_subscription_list(v_member)),
                   (v_sub, v_class, tests.fx_day(1, 1), null::date, tests.fx_day(3, 1) - 1,
                    'auto_renew'::text, '1 month'::text, 25.00::numeric(14,2), 'USD'::char(3)),
                   'the subscription, billed to the end of February, renewing, at the member''s period amount');
    return next is_empty(format('select * from api.recurring_subscription_list(%s)', tests.fx_member()),
                         'a member without recurring subscriptions has none');
end
$$;

create or replace function tests.test_recurring_subscription_list__refuses_others()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
begin
    return next throws_ok('select * from api.recurring_subscription_list(-1)', 'DU001', null,
                          'an unknown member is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select * from api.recurring_subscription_list(%s)', v_member), '42501', null,
                          'another member''s subscriptions are not shown');
    return next lives_ok(format('select * from api.recurring_subscription_list(%s)', v_other), 'its own are');
end
$$;
