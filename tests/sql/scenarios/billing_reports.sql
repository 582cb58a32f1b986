-- Tests of the billing reports: api.report_receivables, api.report_revenue, api.report_mrr, api.report_subscriptions.

create or replace function tests.test_billing_reports__refuse_bad_ranges_and_members()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next throws_ok(format('select * from api.report_mrr(%L, %L)', tests.fx_day(3, 1), tests.fx_day(1, 1)), 'DU01C',
                          null, 'a reversed range is refused');
    return next throws_ok(format('select * from api.report_revenue(null, %L)', tests.fx_day(1, 1)), 'DU014', null,
                          'a missing month is refused');
    return next throws_ok('select * from api.report_receivables(null)', 'DU014', null, 'a null day is refused');
    return next throws_ok(format('select * from api.report_subscriptions(%L, %L)', tests.fx_day(3, 1), tests.fx_day(1, 1)), 'DU01C',
                          null, 'a reversed range is refused for subscriptions too');
    return next throws_ok(format('select * from api.report_revenue(%L, %L)', '1990-01-01', '2091-01-01'), 'DU01D',
                          'a report covers at most 100 years, not 1990-01-01 to 2091-01-01', 'a range over a century is refused');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select * from api.report_receivables()', '42501', null, 'reports are for staff');
    return next throws_ok(format('select * from api.report_subscriptions(%L, %L)', tests.fx_day(1, 1), tests.fx_day(3, 1)), '42501',
                          null, 'all of them');
end
$$;
