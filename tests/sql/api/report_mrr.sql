-- Tests of api.report_mrr.

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
    perform api.period_amount_set(v_free, v_monthly, 0, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_free, v_monthly, tests.fx_day(1, 1));
    return next results_eq(format('select month, subscriptions, mrr from api.report_mrr(%L, %L) where currency = %L',
                                  tests.fx_day(1, 1), tests.fx_day(3, 31), 'EUR'),
                           format($q$values (%L::date, 1, 30.00::numeric(14,2)), (%L, 3, 70.33), (%L, 3, 70.33)$q$,
                                  tests.fx_day(1, 1), tests.fx_day(2, 1), tests.fx_day(3, 1)),
                           'January: one monthly (30.00); from February also a year of 120.00 (10.00) and weeks of 7.00 (30.33); the free member is left out');
end
$$;

create or replace function tests.test_report_mrr__a_paused_subscription_brings_nothing_that_month()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew"}',
                                               tests.fx_provider(), 'EUR');
    v_away  bigint;
begin
    perform tests.fx_subscribe(tests.fx_member(), v_class, tests.fx_day(1, 1));
    v_away := tests.fx_subscribe(tests.fx_member(), v_class, tests.fx_day(1, 1));
    perform api.recurring_subscription_pause(v_away, tests.fx_day(2, 10), tests.fx_day(3, 5));
    return next results_eq(format('select month, subscriptions, mrr from api.report_mrr(%L, %L) where currency = %L',
                                  tests.fx_day(1, 1), tests.fx_day(3, 31), 'EUR'),
                           format($q$values (%L::date, 2, 60.00::numeric(14,2)), (%L, 1, 30.00), (%L, 2, 60.00)$q$,
                                  tests.fx_day(1, 1), tests.fx_day(2, 1), tests.fx_day(3, 1)),
                           'paused on the last day of February (10 February to 5 March), the second subscription brings nothing that month; it is back in March');
end
$$;

create or replace function tests.test_report_mrr__discounted_periods_count_at_their_discounted_price()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew"}',
                                               tests.fx_provider(), 'EUR');
    v_two   text := (api.discount_create('MRRTWO' || nextval('tests.fx_seq'), percent => 20, periods => 2)).code;
    v_five  text := (api.discount_create('MRRFIVE' || nextval('tests.fx_seq'), amount => 5, currency => 'EUR')).code;
begin
    perform tests.fx_subscribe(tests.fx_member(), v_class, tests.fx_day(1, 1), p_discount_code => v_two);
    perform tests.fx_subscribe(tests.fx_member(), v_class, tests.fx_day(1, 1), p_discount_code => v_five);
    return next results_eq(format('select month, subscriptions, mrr from api.report_mrr(%L, %L) where currency = %L',
                                  tests.fx_day(1, 1), tests.fx_day(3, 31), 'EUR'),
                           format($q$values (%L::date, 2, 49.00::numeric(14,2)), (%L, 2, 49.00), (%L, 2, 55.00)$q$,
                                  tests.fx_day(1, 1), tests.fx_day(2, 1), tests.fx_day(3, 1)),
                           'January and February: 30.00 less 20% (24.00) and 30.00 less 5.00 (25.00); March: the 20% was for two periods only');
end
$$;
