-- Tests of the days api.recurring_subscription_cancel and api.recurring_subscription_change_class take effect on
-- (dues.recurring_subscription_day_check):
-- a member cannot end or change a subscription before today (DUB19); staff can, with a reason the audit log keeps.

-- A recurring subscription that started p_days_ago days ago (opened on that day, as if made then); returns its id.
create or replace function tests.fx_subscribed_since(p_member_id bigint, p_class_id bigint, p_days_ago int)
returns bigint
language plpgsql
as $$
declare
    v_start date := tests.fx_today() - p_days_ago;
    v_order dues.subscription_order := dues.order_open(p_member_id, p_class_id, jsonb_build_object('start_date', v_start),
                                                              v_start);
begin
    perform api.order_confirm(v_order.id);
    return (api.class_subscription_confirm(v_order.id)).id;
end
$$;

create or replace function tests.test_subscription_past_dates__a_member_cannot_cancel_into_the_past()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "31.00", "renewal": "auto_renew"}');
    v_sub    bigint := tests.fx_subscribed_since(v_member, v_class, 10);
    v_before jsonb;
begin
    perform tests.fx_collect(tests.fx_today() - 10);
    perform tests.fx_pay(v_member, 31.00);
    perform tests.fx_as_member(v_member);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.recurring_subscription_cancel(%s, %L)', v_sub, tests.fx_today() - 1), 'DUB19',
                          format('a subscription cannot end before today (%s): %s is in the past', tests.fx_today(), tests.fx_today() - 1),
                          'a member cannot make yesterday its last day');
    return next throws_ok(format('select api.recurring_subscription_cancel(%s, %L, %L)', v_sub, tests.fx_today() - 5, 'I was away'), 'DUB19',
                          null, 'not even with a reason');
    return next is(tests.fx_state(), v_before, 'and no day was credited back');
    return next lives_ok(format('select api.recurring_subscription_cancel(%s)', v_sub), 'it can end today (the default)');
    return next is((select end_date from dues.recurring_subscription where class_subscription_id = v_sub), tests.fx_today(),
                   'today is its last day');
end
$$;

create or replace function tests.test_subscription_past_dates__a_member_cannot_change_class_in_the_past()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "31.00", "renewal": "auto_renew"}');
    v_other  bigint := tests.fx_recurring_class('{"period": "month", "amount": "62.00", "renewal": "auto_renew"}');
    v_sub    bigint := tests.fx_subscribed_since(v_member, v_class, 10);
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.recurring_subscription_change_class(%s, %s, %L)', v_sub, v_other, tests.fx_today() - 1), 'DUB19',
                          null, 'a member cannot change class from yesterday');
    return next is((select end_date from dues.recurring_subscription where class_subscription_id = v_sub), null,
                   'its subscription runs on unchanged');
    return next lives_ok(format('select api.recurring_subscription_change_class(%s, %s, %L)', v_sub, v_other, tests.fx_today()),
                         'it can change from today');
end
$$;

create or replace function tests.test_subscription_past_dates__staff_can_with_a_reason_audited()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "31.00", "renewal": "auto_renew"}');
    v_other  bigint := tests.fx_recurring_class('{"period": "month", "amount": "62.00", "renewal": "auto_renew"}');
    v_sub    bigint := tests.fx_subscribed_since(v_member, v_class, 10);
    v_sub2   bigint := tests.fx_subscribed_since(v_member, v_other, 10);
    v_new    dues.recurring_subscription;
begin
    perform tests.fx_collect(tests.fx_today() - 10);
    perform tests.fx_as_staff();
    return next throws_ok(format('select api.recurring_subscription_cancel(%s, %L)', v_sub, tests.fx_today() - 4), 'DU014',
                          null, 'staff ending a subscription in the past must say why');
    return next lives_ok(format('select api.recurring_subscription_cancel(%s, %L, %L)', v_sub, tests.fx_today() - 4, 'left on the 1st, told us late'),
                         'with a reason it can');
    return next is((select end_date from dues.recurring_subscription where class_subscription_id = v_sub), tests.fx_today() - 4,
                   'the subscription ends four days ago');
    return next ok((select count(*) from dues.proration_credit pc join dues.invoice_line l on l.id = pc.invoice_line_id
                     where l.class_subscription_id = v_sub) = 1, 'the days after it are credited back');
    return next is((select why from dues.audit_log
                     where table_name = 'recurring_subscription' and (new ->> 'class_subscription_id')::bigint = v_sub),
                   'left on the 1st, told us late', 'the audit log keeps the change and why');

    return next throws_ok(format('select api.recurring_subscription_change_class(%s, %s, %L)', v_sub2, v_class, tests.fx_today() - 2), 'DU014',
                          null, 'a class change in the past needs a reason too');
    v_new := api.recurring_subscription_change_class(v_sub2, v_class, tests.fx_today() - 2, 'moved on the phone');
    return next is(v_new.start_date, tests.fx_today() - 2, 'with one, staff changes the class from two days ago');
    return next is((select why from dues.audit_log
                     where table_name = 'recurring_subscription' and (new ->> 'class_subscription_id')::bigint = v_sub2),
                   'moved on the phone', 'and the old subscription''s end is audited with why');
end
$$;
