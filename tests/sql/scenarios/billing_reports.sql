-- Tests of the billing reports: api.report_receivables, api.report_revenue, api.report_mrr, api.report_subscriptions.

create or replace function tests.test_billing_reports__age_receivables()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member('Ageing');
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    for v_month in 1 .. 4 loop
        perform tests.fx_collect(tests.fx_day(v_month, 18));
    end loop;
    return next is((select (not_due, days_0_30, days_31_60, days_61_90, over_90, total, oldest_due_date)
                      from api.report_receivables(tests.fx_day(5, 5)) where member_id = v_member),
                   (0.00::numeric(14,2), 30.00::numeric(14,2), 30.00::numeric(14,2), 30.00::numeric(14,2), 60.00::numeric(14,2),
                    150.00::numeric(14,2), tests.fx_day(1, 1)),
                   'on 5 May: May is 4 days late, April 34, March 65, February and January over 90');
    return next is((select (not_due, days_0_30, total) from api.report_receivables(tests.fx_day(4, 20)) where member_id = v_member),
                   (30.00::numeric(14,2), 30.00::numeric(14,2), 150.00::numeric(14,2)), 'on 20 April the May invoice is not due yet');
    perform tests.fx_pay(v_member, 150);
    return next is_empty(format('select * from api.report_receivables(%L) where member_id = %s', tests.fx_day(5, 5), v_member),
                         'paid up, the member owes nothing');
end
$$;

create or replace function tests.test_billing_reports__revenue_by_class_and_month()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew", "setup_fee": "10.00"}');
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 18));
    perform tests.fx_collect(tests.fx_day(3, 18));
    return next results_eq(format('select month, billed, reversed, revenue from api.report_revenue(%L, %L) where class_id = %s',
                                  tests.fx_day(1, 1), tests.fx_day(4, 30), v_class),
                           format($q$values (%L::date, 70.00::numeric(14,2), 0.00::numeric(14,2), 70.00::numeric(14,2)),
                                            (%L, 60.00, 0.00, 60.00)$q$, tests.fx_day(1, 1), tests.fx_day(3, 1)),
                           'January: the setup fee, January and February; March: March and April; no revenue booked in February');
    return next is_empty(format('select * from api.report_revenue(%L, %L) where class_id = %s', tests.fx_day(5, 1), tests.fx_day(12, 1), v_class),
                         'nothing after April');
end
$$;

create or replace function tests.test_billing_reports__monthly_recurring_revenue()
returns setof text
language plpgsql
as $$
declare
    v_provider bigint := tests.fx_provider();
    v_monthly  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew"}', v_provider, 'EUR');
    v_yearly   bigint := tests.fx_recurring_class('{"period": "year", "amount": "120.00", "renewal": "auto_renew"}', v_provider, 'EUR');
    v_weekly   bigint := tests.fx_recurring_class('{"period": "week", "amount": "7.00", "renewal": "auto_renew"}', v_provider, 'EUR');
    v_free     bigint := tests.fx_member();
begin
    perform tests.fx_subscribe(tests.fx_member(), v_monthly, tests.fx_day(1, 15));
    perform tests.fx_subscribe(tests.fx_member(), v_yearly, tests.fx_day(2, 1));
    perform tests.fx_subscribe(tests.fx_member(), v_weekly, tests.fx_day(2, 10));
    perform api.dues_set(v_free, v_monthly, 0, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_free, v_monthly, tests.fx_day(1, 1));
    return next results_eq(format('select month, subscriptions, mrr from api.report_mrr(%L, %L) where currency = %L',
                                  tests.fx_day(1, 1), tests.fx_day(3, 31), 'EUR'),
                           format($q$values (%L::date, 1, 30.00::numeric(14,2)), (%L, 3, 70.33), (%L, 3, 70.33)$q$,
                                  tests.fx_day(1, 1), tests.fx_day(2, 1), tests.fx_day(3, 1)),
                           'January: one monthly (30.00); from February also a year of 120.00 (10.00) and weeks of 7.00 (30.33); the free member is left out');
end
$$;

create or replace function tests.test_billing_reports__refuse_bad_ranges_and_members()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next throws_ok(format('select * from api.report_mrr(%L, %L)', tests.fx_day(3, 1), tests.fx_day(1, 1)), 'DU013',
                          format('from_month %s is after to_month %s', tests.fx_day(3, 1), tests.fx_day(1, 1)), 'a reversed range is refused');
    return next throws_ok(format('select * from api.report_revenue(null, %L)', tests.fx_day(1, 1)), 'DU014', 'argument from_month is required',
                          'a missing month is refused');
    return next throws_ok('select * from api.report_receivables(null)', 'DU014', 'argument as_of is required', 'a null day is refused');
    return next throws_ok(format('select * from api.report_subscriptions(%L, %L)', tests.fx_day(3, 1), tests.fx_day(1, 1)), 'DU013',
                          null, 'a reversed range is refused for subscriptions too');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select * from api.report_receivables()', '42501', 'only staff may do this', 'reports are for staff');
    return next throws_ok(format('select * from api.report_subscriptions(%L, %L)', tests.fx_day(1, 1), tests.fx_day(3, 1)), '42501',
                          'only staff may do this', 'all of them');
end
$$;
