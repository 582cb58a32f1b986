-- Tests of api.report_receivables.

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
