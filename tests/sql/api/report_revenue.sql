-- Tests of api.report_revenue.

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
