-- Tests of api.recurring_subscription_cancel.

create or replace function tests.test_recurring_subscription_cancel__bills_only_the_days_covered()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "31.00", "renewal": "auto_renew"}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(4, 15));
    perform tests.fx_collect(tests.fx_day(3, 20));
    perform tests.fx_collect(tests.fx_day(5, 20));
    return next is((select array_agg((period_start, period_end, amount)::text) from dues.invoice_line where class_subscription_id = v_sub),
                   array[(tests.fx_day(4, 1), tests.fx_day(4, 15), 15.50::numeric(14,2))::text],
                   'the half of April it covers costs half of 31.00, and nothing after');
    return next ok(not exists (select from api.class_students(v_class, tests.fx_day(4, 16)) where member_id = v_member),
                   'its membership ends after its last day');
end
$$;

create or replace function tests.test_recurring_subscription_cancel__credits_invoiced_days_back()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "29.99", "renewal": "auto_renew"}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_line   dues.invoice_line;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform tests.fx_collect(tests.fx_day(3, 20));
    perform tests.fx_pay(v_member, 29.99);
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(4, 7));
    select * into v_line from dues.invoice_line where class_subscription_id = v_sub;
    return next is((select (amount, unused_from) from dues.proration_credit where invoice_line_id = v_line.id),
                   (22.99::numeric(14,2), tests.fx_day(4, 8)), 'the 23 unused days of April are credited: 22.99');
    return next is(v_line.amount - (select amount from dues.proration_credit where invoice_line_id = v_line.id),
                   dues.period_piece(29.99, 'USD', tests.fx_day(4, 1), tests.fx_day(4, 30), tests.fx_day(4, 1), tests.fx_day(4, 7)),
                   'what the member keeps paying is exactly the price of the seven days used (7.00)');
    return next is(tests.fx_member_balance(v_member), 22.99::numeric, 'the credit is the member''s');
    return next is((select (end_date, billed_until, ended_by is not null) from dues.recurring_subscription where class_subscription_id = v_sub),
                   (tests.fx_day(4, 7), tests.fx_day(4, 7), true), 'the subscription ends on 7 April, recorded with who');
    perform tests.fx_collect(tests.fx_day(4, 20));
    return next is(cardinality(tests.fx_invoice_ids(v_member)), 1, 'May is not invoiced');
end
$$;

create or replace function tests.test_recurring_subscription_cancel__refuses_bad_dates_and_callers()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "10.00", "renewal": "fixed", "periods": 2}');
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_sub    bigint;
    v_before jsonb;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    v_before := tests.fx_state();
    return next throws_ok(format('select api.recurring_subscription_cancel(%s, %L)', v_sub, tests.fx_day(3, 31)), 'DUB15',
                          format('subscription %s runs from %s to %s: it cannot end on %s', v_sub, tests.fx_day(4, 1),
                                 tests.fx_day(5, 31), tests.fx_day(3, 31)),
                          'an end before its start is refused');
    return next throws_ok(format('select api.recurring_subscription_cancel(%s, %L)', v_sub, tests.fx_day(6, 1)), 'DUB15', null,
                          'an end after its term is refused');
    return next throws_ok('select api.recurring_subscription_cancel(-1)', 'DUB02', 'recurring subscription -1 not found',
                          'an unknown subscription is refused');
    return next throws_ok('select api.recurring_subscription_cancel(null)', 'DU014', null,
                          'a null subscription is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.recurring_subscription_cancel(%s, %L)', v_sub, tests.fx_day(4, 30)), '42501', null,
                          'another member cannot cancel it');
    return next throws_ok('select api.recurring_subscription_cancel(-1)', '42501', null,
                          'nor learn whether a subscription exists');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(4, 30));
    return next throws_ok(format('select api.recurring_subscription_cancel(%s, %L)', v_sub, tests.fx_day(4, 20)), 'DUB15',
                          null,
                          'a subscription is cancelled once');
end
$$;

create or replace function tests.test_recurring_subscription_cancel__a_manager_of_its_service_order_may()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_recurring_class();
    v_member  bigint := tests.fx_member('Org', 'organization');
    v_manager bigint := tests.fx_member('Manny');
    v_helper  bigint := tests.fx_member('Connie');
    v_so      bigint;
    v_sub     bigint;
begin
    v_so := (api.service_order_create(v_member, 'campaign')).id;
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1), jsonb_build_object('service_order_id', v_so));
    perform api.role_grant(v_manager, 'manager', service_order_id => v_so);
    perform api.role_grant(v_helper, 'contributor', service_order_id => v_so);
    perform tests.fx_as_member(v_helper);
    return next throws_ok(format('select api.recurring_subscription_cancel(%s, %L)', v_sub, tests.fx_day(4, 30)), '42501', null,
                          'a contributor of the service order may not cancel its subscriptions');
    perform tests.fx_as_member(v_manager);
    return next lives_ok(format('select api.recurring_subscription_cancel(%s, %L)', v_sub, tests.fx_day(4, 30)),
                         'a manager of the service order may');
end
$$;
