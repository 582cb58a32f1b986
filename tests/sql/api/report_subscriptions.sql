-- Tests of api.report_subscriptions.

create or replace function tests.test_report_subscriptions__counts_starts_and_ends_per_class_and_month()
returns setof text
language plpgsql
as $$
declare
    v_plan    bigint := tests.fx_recurring_class('{"period": "month", "amount": "5.00", "renewal": "fixed", "periods": 2}');
    v_monthly bigint := tests.fx_recurring_class();
begin
    perform tests.fx_subscribe(tests.fx_member(), v_plan, tests.fx_day(1, 1));
    perform tests.fx_subscribe(tests.fx_member(), v_plan, tests.fx_day(1, 20));
    perform tests.fx_subscribe(tests.fx_member(), v_monthly, tests.fx_day(2, 3));
    return next results_eq(format('select month, class_id, started, changed_in, changed_out, churned from api.report_subscriptions(%L, %L) '
                                  'where class_id in (%s, %s)', tests.fx_day(1, 1), tests.fx_day(4, 30), v_plan, v_monthly),
                           format($q$values (%L::date, %s::bigint, 2, 0, 0, 0), (%L, %s, 0, 0, 0, 1), (%L, %s, 1, 0, 0, 0),
                                            (%L, %s, 0, 0, 0, 1)$q$,
                                  tests.fx_day(1, 1), v_plan, tests.fx_day(2, 1), v_plan, tests.fx_day(2, 1), v_monthly,
                                  tests.fx_day(3, 1), v_plan),
                           'two plans of two months start in January and run out in February and March; a monthly one starts in February');
    return next is_empty(format('select * from api.report_subscriptions(%L, %L) where class_id in (%s, %s)',
                                tests.fx_day(5, 1), tests.fx_day(12, 1), v_plan, v_monthly),
                         'months without any start or end have no row');
    return next is((select count(*)::int from api.report_subscriptions(tests.fx_day(2, 17), tests.fx_day(2, 17)) where class_id = v_plan), 1,
                   'a day stands for its month');
end
$$;

create or replace function tests.test_report_subscriptions__refuses_bad_ranges_and_members()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok(format('select * from api.report_subscriptions(%L, %L)', tests.fx_day(3, 1), tests.fx_day(1, 1)), 'DU01C',
                          null, 'a reversed range');
    return next throws_ok(format('select * from api.report_subscriptions(%L, null)', tests.fx_day(3, 1)), 'DU014',
                          null, 'a missing month');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok(format('select * from api.report_subscriptions(%L, %L)', tests.fx_day(1, 1), tests.fx_day(3, 1)), '42501',
                          null, 'reports are for staff');
end
$$;

create or replace function tests.test_report_subscriptions__members_who_pay_membership_dues()
returns setof text
language plpgsql
as $$
declare
    v_dues   bigint := tests.fx_class('free');
    v_other  bigint := tests.fx_class('free');
    v_payer  bigint := tests.fx_joined_member('Pat Payer');
    v_credit bigint := tests.fx_joined_member('Cy Credit');
    v_month  date := date_trunc('month', tests.fx_today())::date;
    v_later  date := tests.fx_today() + 91;
begin
    perform tests.fx_pay(v_credit, 25);
    perform jobs.expire(now());
    perform api.class_set_membership_dues(v_dues, true);
    perform tests.fx_pay(v_payer, 25);
    perform jobs.expire(now());
    return next is(((api.membership_status(v_payer)).status, (api.membership_status(v_credit)).status), ('current'::text, 'current'::text),
                   'both are current members');
    return next results_eq(format('select class_id, started, changed_in, changed_out, churned from api.report_subscriptions(%L, %L) '
                                  'where class_id in (%s, %s)', v_month, v_month, v_dues, v_other),
                           format($q$values (%s::bigint, 1, 0, 0, 0)$q$, v_dues),
                           'the member who paid membership dues started under the dues class; one whose payment stayed credit is not counted');
    perform tests.fx_expire(v_later);
    return next results_eq(format('select class_id, started, churned from api.report_subscriptions(%L, %L) where class_id in (%s, %s)',
                                  v_later, v_later, v_dues, v_other),
                           format($q$values (%s::bigint, 0, 1)$q$, v_dues),
                           'its membership status stops counting as membership: churned that month');
end
$$;

create or replace function tests.test_report_subscriptions__membership_changes_before_the_dues_are_not_the_dues_class()
returns setof text
language plpgsql
as $$
declare
    v_dues    bigint := tests.fx_class('free');
    v_member  bigint := tests.fx_joined_member('Bea Before');
    v_month   date := date_trunc('month', tests.fx_today())::date;
    v_later   date := tests.fx_today() + 91;
    v_payment dues.payment;
begin
    -- a current member, paying before the site declared its membership dues class: its payments stay credit
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(now());
    v_payment := api.register_payment(v_member, 25, 'USD');
    perform api.class_set_membership_dues(v_dues, true);
    -- its first dues, a month later
    perform dues.membership_dues_recognise(v_payment, tests.fx_today() + 31);
    perform tests.fx_expire(v_later);
    return next is_empty(format('select * from api.report_subscriptions(%L, %L) where class_id = %s', v_month, v_month, v_dues),
                         'it became a member before it paid any dues: not a start under the dues class');
    return next results_eq(format('select class_id, started, churned from api.report_subscriptions(%L, %L) where class_id = %s',
                                  v_later, v_later, v_dues),
                           format($q$values (%s::bigint, 0, 1)$q$, v_dues),
                           'it stops being a member after paying dues: churned under the dues class');
end
$$;
