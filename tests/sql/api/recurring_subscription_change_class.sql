-- Tests of api.recurring_subscription_change_class: a proration.

create or replace function tests.test_recurring_subscription_change_class__prorates_both_classes_by_days()
returns setof text
language plpgsql
as $$
declare
    v_basic   bigint := tests.fx_recurring_class('{"period": "month", "amount": "29.99", "renewal": "auto_renew"}');
    v_premium bigint;
    v_member  bigint := tests.fx_member();
    v_old     bigint;
    v_new     dues.recurring_subscription;
    v_line    dues.invoice_line;
begin
    v_premium := tests.fx_recurring_class('{"period": "month", "amount": "59.99", "renewal": "auto_renew"}',
                                          (select provider_id from dues.class where id = v_basic));
    v_old := tests.fx_subscribe(v_member, v_basic, tests.fx_day(4, 1));
    perform tests.fx_collect(tests.fx_day(3, 20));
    perform tests.fx_pay(v_member, 29.99);

    v_new := api.recurring_subscription_change_class(v_old, v_premium, tests.fx_day(4, 8));
    return next is((select (end_date, replaced_by) from dues.recurring_subscription where class_subscription_id = v_old),
                   (tests.fx_day(4, 7), v_new.class_subscription_id), 'the basic subscription ends on 7 April, replaced');
    return next is((v_new.class_id, v_new.start_date, v_new.anchor_date), (v_premium, tests.fx_day(4, 8), tests.fx_day(5, 1)),
                   'the premium one starts on 8 April, its periods on the first of the month like the old ones');
    return next is((select pc.amount from dues.proration_credit pc join dues.invoice_line l on l.id = pc.invoice_line_id
                     where l.class_subscription_id = v_old), 22.99::numeric(14,2),
                   'the unused 23 days of basic April are credited: 29.99 - 7.00');

    perform tests.fx_collect(tests.fx_day(4, 8));
    select * into v_line from dues.invoice_line where class_subscription_id = v_new.class_subscription_id;
    return next is((v_line.period_start, v_line.period_end, v_line.amount, v_line.period_amount),
                   (tests.fx_day(4, 8), tests.fx_day(4, 30), 45.99::numeric(14,2), 59.99::numeric(14,2)),
                   'the 23 premium days of April cost 45.99 of 59.99');
    return next is(tests.fx_amount_due(v_line.invoice_id), 23.00::numeric, 'the credit pays part of it: 23.00 left to pay');
    return next ok(exists (select from api.class_students(v_basic, tests.fx_day(4, 7)) where member_id = v_member)
                   and not exists (select from api.class_students(v_basic, tests.fx_day(4, 8)) where member_id = v_member)
                   and exists (select from api.class_students(v_premium, tests.fx_day(4, 8)) where member_id = v_member),
                   'the member moves from the basic students to the premium ones on 8 April');
    perform tests.fx_collect(tests.fx_day(4, 20));
    return next is((select amount from dues.invoice_line where class_subscription_id = v_new.class_subscription_id and period_start = tests.fx_day(5, 1)),
                   59.99::numeric(14,2), 'May is a full premium month');
    return next is((select (changed_out, changed_in) from api.report_subscriptions(tests.fx_day(4, 1), tests.fx_day(4, 1)) where class_id = v_basic),
                   (1, 0), 'the report counts the basic subscription as changed out in April');
    return next is((select (started, changed_in) from api.report_subscriptions(tests.fx_day(4, 1), tests.fx_day(4, 1)) where class_id = v_premium),
                   (0, 1), 'and the premium one as changed in');
end
$$;

create or replace function tests.test_recurring_subscription_change_class__on_a_period_boundary()
returns setof text
language plpgsql
as $$
declare
    v_monthly bigint := tests.fx_recurring_class('{"period": "month", "amount": "10.00", "renewal": "auto_renew"}');
    v_yearly  bigint := tests.fx_recurring_class('{"period": "year", "amount": "100.00", "renewal": "auto_renew"}');
    v_member  bigint := tests.fx_member();
    v_new     dues.recurring_subscription;
begin
    v_new := api.recurring_subscription_change_class(tests.fx_subscribe(v_member, v_monthly, tests.fx_day(1, 1)), v_yearly, tests.fx_day(3, 1));
    return next is(v_new.anchor_date, tests.fx_day(3, 1), 'on the first day of a period the new periods start that day');
    perform tests.fx_collect(tests.fx_day(2, 20));
    return next is((select array_agg(l.amount order by l.id) from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
                     where i.member_id = v_member), '{10.00,10.00,100.00}'::numeric[],
                   'January and February monthly, then a full year');
end
$$;

create or replace function tests.test_recurring_subscription_change_class__refuses_bad_changes()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_single bigint := tests.fx_class('single_payment', '{"price": 5}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_before jsonb;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    v_before := tests.fx_state();
    return next throws_ok(format('select api.recurring_subscription_change_class(%s, %s, %L)', v_sub, v_class, tests.fx_day(4, 1)), 'DUB15', null,
                          'a change on the first day is refused (cancel and start anew)');
    return next throws_ok(format('select api.recurring_subscription_change_class(%s, %s, %L)', v_sub, v_single, tests.fx_day(4, 9)), 'DUB16',
                          null, 'a class that is not recurring is refused');
    return next throws_ok(format('select api.recurring_subscription_change_class(%s, -1, %L)', v_sub, tests.fx_day(4, 9)), 'DU002',
                          null, 'an unknown class is refused');
    return next throws_ok(format('select api.recurring_subscription_change_class(%s, %s, null)', v_sub, v_class), 'DU014',
                          null, 'a null day is refused');
    return next throws_ok(format('select api.recurring_subscription_change_class(-1, %s, %L)', v_class, tests.fx_day(4, 9)), 'DUB02',
                          null, 'an unknown subscription is refused');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(4, 30));
    return next throws_ok(format('select api.recurring_subscription_change_class(%s, %s, %L)', v_sub, v_class, tests.fx_day(4, 9)), 'DUB15',
                          null, 'a cancelled subscription cannot change class');
end
$$;
