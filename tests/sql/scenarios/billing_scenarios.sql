-- Stories of recurring billing told by moving the collector's clock (jobs.collect(now)): a monthly member over fourteen
-- months, an annual class, a fixed-length plan that ends, a period amount of 0, a linked member, a suspension and a
-- reinstatement. Every date is in next year (tests.fx_day), so start dates are never in the past. The teardown checks
-- api.ledger_check() after each story.

create or replace function tests.test_billing_scenarios__a_monthly_member_over_fourteen_months()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_recurring_class();
    v_member  bigint := tests.fx_member('Mo Monthly');
    v_email   text;
    v_group   bigint;
    v_year    int    := extract(year from tests.fx_day(1, 1))::int;
    v_ids     bigint[];
    v_payment dues.payment;
    v_result  jsonb;
begin
    v_email := (select email from dues.member where id = v_member);
    v_group := (select students_group_id from dues.class where id = v_class);
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));

    -- December: the first invoice, for January, fourteen days before it is due
    perform tests.fx_collect(tests.fx_day(12, 17, -1));
    return next is(tests.fx_invoice_ids(v_member), '{}'::bigint[], 'nothing is invoiced fifteen days before the first period');
    v_result := tests.fx_collect(tests.fx_day(12, 18, -1));
    return next is((v_result ->> 'invoices')::int, 1, 'fourteen days before the due date the first invoice is issued');
    v_ids := tests.fx_invoice_ids(v_member);
    return next is((select (number, issue_date, due_date, total) from dues.invoice where id = v_ids[1]),
                   (format('%s-000001', v_year - 1), tests.fx_day(12, 18, -1), tests.fx_day(1, 1), 30.00::numeric(14,2)),
                   'invoice 1 is numbered in the year it is issued, due on the first day of January, for 30.00');
    return next is((select count(*)::int from tests.fx_outbox('invoice_issued', v_email)), 1, 'the invoice is mailed to the member');

    -- on time: paid before it is due
    perform tests.fx_pay(v_member, 30);
    return next is(tests.fx_invoice_statuses(v_member), '{paid}'::text[], 'a payment on time settles invoice 1');

    perform tests.fx_collect(tests.fx_day(1, 18));
    -- late: a reminder after seven days, then the payment
    perform tests.fx_collect(tests.fx_day(2, 9));
    v_ids := tests.fx_invoice_ids(v_member);
    return next is((select array_agg(offset_days order by offset_days) from dues.invoice_reminder where invoice_id = v_ids[2]),
                   '{7}'::int[], 'invoice 2, eight days late, got its seven-day reminder');
    perform tests.fx_pay(v_member, 30);
    return next is(tests.fx_invoice_statuses(v_member), '{paid,paid}'::text[], 'a late payment settles invoice 2');

    -- partial: 10 of 30, then nothing for months
    perform tests.fx_collect(tests.fx_day(2, 18));
    perform tests.fx_pay(v_member, 10);
    v_ids := tests.fx_invoice_ids(v_member);
    return next is(tests.fx_amount_due(v_ids[3]), 20.00::numeric, 'a partial payment leaves invoice 3 open with 20.00 to pay');
    perform tests.fx_collect(tests.fx_day(3, 18));
    perform tests.fx_collect(tests.fx_day(4, 18));
    return next is(tests.fx_standing(v_member), 'good', 'forty-eight days late the member is still in good standing');
    perform tests.fx_collect(tests.fx_day(5, 18));
    return next is(tests.fx_standing(v_member), 'at_risk', 'seventy-eight days late (over sixty) the member is at risk');
    return next is((select count(*)::int from tests.fx_outbox('standing_at_risk', v_email)), 1, 'a warning is queued');
    return next ok(tests.fx_collect(tests.fx_day(5, 30)) ->> 'standing_changes' = '0', 'ninety days late nothing changes yet');
    return next ok(exists (select from api.class_students(v_class, tests.fx_day(5, 30)) where member_id = v_member),
                   'the member is still a student the day before the suspension');
    perform tests.fx_collect(tests.fx_day(5, 31));
    return next is(tests.fx_standing(v_member), 'suspended', 'ninety-one days late the member is suspended');
    return next ok(not exists (select from api.class_students(v_class, tests.fx_day(5, 31)) where member_id = v_member),
                   'a suspended member loses the students group its subscription gave');
    perform tests.fx_collect(tests.fx_day(6, 18));
    return next is(tests.fx_invoice_statuses(v_member), '{paid,paid,open,open,open,open,open}'::text[],
                   'five invoices are open, one per month since March');

    -- catching up, and paying a month in advance
    perform tests.fx_pay(v_member, 170);
    return next is(tests.fx_invoice_statuses(v_member), '{paid,paid,paid,paid,paid,paid,paid}'::text[],
                   'one payment settles the open invoices, oldest first');
    return next is(tests.fx_member_balance(v_member), 30.00::numeric, 'the overpayment stays as credit');
    perform tests.fx_collect(tests.fx_day(6, 19));
    return next is(tests.fx_standing(v_member), 'good', 'paid up, the member is back in good standing at the next run');
    return next ok(exists (select from api.class_students(v_class, tests.fx_day(6, 19)) where member_id = v_member),
                   'and a student again');
    perform tests.fx_collect(tests.fx_day(7, 18));
    return next is(tests.fx_invoice_statuses(v_member), '{paid,paid,paid,paid,paid,paid,paid,paid}'::text[],
                   'the credit in advance pays the August invoice as it is issued');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'the credit is used up');

    -- refunded: paid, then the payment is given back, and the invoice reopens
    perform tests.fx_collect(tests.fx_day(8, 18));
    perform tests.fx_pay(v_member, 30);
    perform tests.fx_collect(tests.fx_day(9, 18));
    v_payment := api.register_payment(v_member, 30, 'USD');
    return next is((tests.fx_invoice_statuses(v_member))[10], 'paid', 'the October invoice is paid');
    perform api.payment_refund(v_payment.id, reason => 'paid by mistake');
    return next is((tests.fx_invoice_statuses(v_member))[10], 'open', 'refunding its payment reopens the October invoice');
    perform tests.fx_collect(tests.fx_day(10, 18));
    perform tests.fx_pay(v_member, 60);

    -- missing: the last three months are not paid
    perform tests.fx_collect(tests.fx_day(11, 18));
    perform tests.fx_collect(tests.fx_day(12, 18));
    perform tests.fx_collect(tests.fx_day(1, 18, 1));

    v_ids := tests.fx_invoice_ids(v_member);
    return next is(cardinality(v_ids), 14, 'fourteen months, fourteen invoices');
    return next is(tests.fx_invoice_statuses(v_member),
                   '{paid,paid,paid,paid,paid,paid,paid,paid,paid,paid,paid,open,open,open}'::text[],
                   'eleven invoices are paid, the last three open');
    return next is((select array_agg(number order by id) from dues.invoice where id = any (v_ids)),
                   array[format('%s-000001', v_year - 1)]
                   || (select array_agg(format('%s-%s', v_year, lpad(n::text, 6, '0')) order by n) from generate_series(1, 12) n)
                   || format('%s-000001', v_year + 1),
                   'numbers are gapless per provider and year');
    return next is((select array_agg(due_date order by id) from dues.invoice where id = any (v_ids)),
                   (select array_agg((tests.fx_day(1, 1) + make_interval(months => n))::date order by n) from generate_series(0, 13) n),
                   'each invoice is due on the first day of its month');
    return next is((select array_agg(row(i.id = v_ids[3], r.offset_days)::text order by i.id, r.offset_days)
                      from dues.invoice_reminder r join dues.invoice i on i.id = r.invoice_id
                     where i.member_id = v_member and i.id = any (v_ids[3:3])),
                   '{"(t,7)","(t,30)"}'::text[], 'the partly paid invoice got its 7- and 30-day reminders, once each');
    return next is((select count(*)::int from dues.invoice_reminder r join dues.invoice i on i.id = r.invoice_id
                     where i.member_id = v_member and r.outbox_id is not null),
                   (select count(*)::int from dues.outbox where recipient = v_email and template = 'invoice_reminder'),
                   'every reminder recorded was queued once');
    return next is((select (amount_due, overdue, oldest_due_date, paid) from api.member_standing(v_member, tests.fx_day(1, 18, 1))),
                   (90.00::numeric(14,2), 60.00::numeric(14,2), tests.fx_day(12, 1), false),
                   'the member owes 90.00, of which 60.00 is overdue since 1 December');
end
$$;

create or replace function tests.test_billing_scenarios__an_annual_class_is_invoiced_once_a_year()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "year", "amount": "240.00", "renewal": "auto_renew", "setup_fee": "15.00"}');
    v_member bigint := tests.fx_member('Ann Annual');
    v_sub    bigint;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(3, 15));
    perform tests.fx_collect(tests.fx_day(3, 1));
    return next is((select array_agg(kind || ' ' || amount order by id) from dues.invoice_line
                     where invoice_id = (tests.fx_invoice_ids(v_member))[1]),
                   '{"period 240.00","setup_fee 15.00"}'::text[], 'the first invoice carries the year and the setup fee');
    return next is((select (period_start, period_end) from dues.invoice_line where class_subscription_id = v_sub and kind = 'period'),
                   (tests.fx_day(3, 15), tests.fx_day(3, 14, 1)), 'the year runs to the day before its anniversary');
    perform tests.fx_pay(v_member, 255);
    for v_month in 4 .. 12 loop
        perform tests.fx_collect(tests.fx_day(v_month, 1));
    end loop;
    perform tests.fx_collect(tests.fx_day(2, 28, 1));
    return next is(tests.fx_invoice_statuses(v_member), '{paid}'::text[], 'no other invoice during the year');
    perform tests.fx_collect(tests.fx_day(3, 1, 1));
    return next is(tests.fx_invoice_totals(v_member), '{255.00,240.00}'::numeric[],
                   'the second year is invoiced fourteen days before the anniversary, without the setup fee');
    return next is((select billed_until from dues.recurring_subscription where class_subscription_id = v_sub), tests.fx_day(3, 14, 2),
                   'the subscription renewed for a second year');
    return next is(tests.fx_invoice_statuses(v_member), '{paid,open}'::text[], 'the second year waits for its payment');
end
$$;

create or replace function tests.test_billing_scenarios__a_fixed_length_plan_ends()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "50.00", "renewal": "fixed", "periods": 3}');
    v_member bigint := tests.fx_member('Fay Fixed');
    v_sub    bigint;
    v_result jsonb;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(5, 10));
    return next is((select end_date from dues.recurring_subscription where class_subscription_id = v_sub), tests.fx_day(8, 9),
                   'three monthly periods from 10 May end on 9 August');
    perform tests.fx_collect(tests.fx_day(5, 1));
    perform tests.fx_collect(tests.fx_day(6, 1));
    v_result := tests.fx_collect(tests.fx_day(7, 1));
    return next is((v_result ->> 'ended')::int, 1, 'the run that bills the last period counts the plan as ended');
    perform tests.fx_pay(v_member, 150);
    for v_month in 8 .. 12 loop
        perform tests.fx_collect(tests.fx_day(v_month, 1));
    end loop;
    return next is(tests.fx_invoice_totals(v_member), '{50.00,50.00,50.00}'::numeric[], 'three invoices, no fourth');
    return next is(tests.fx_invoice_statuses(v_member), '{paid,paid,paid}'::text[], 'all paid');
    return next ok(exists (select from api.class_students(v_class, tests.fx_day(8, 9)) where member_id = v_member),
                   'the member is a student on the last day of the plan');
    return next ok(not exists (select from api.class_students(v_class, tests.fx_day(8, 10)) where member_id = v_member),
                   'and not the day after');
    return next is((select started || '/' || churned from api.report_subscriptions(tests.fx_day(8, 1), tests.fx_day(8, 1))
                     where class_id = v_class), '0/1', 'the report counts it as churned in August');
end
$$;

create or replace function tests.test_billing_scenarios__a_period_amount_of_zero_issues_nothing()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew", "setup_fee": "20.00"}');
    v_member bigint := tests.fx_member('Zed Zero');
    v_sub    bigint;
begin
    perform api.period_amount_set(v_member, v_class, 0, tests.fx_day(1, 1));
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(2, 1));
    for v_month in 1 .. 6 loop
        perform tests.fx_collect(tests.fx_day(v_month, 20));
    end loop;
    return next is(tests.fx_invoice_ids(v_member), '{}'::bigint[], 'six months of dues 0: no invoice, not even the setup fee');
    return next is((select billed_until from dues.recurring_subscription where class_subscription_id = v_sub), tests.fx_day(7, 31),
                   'the free periods up to the horizon count as billed: the subscription renews');
    return next is(tests.fx_standing(v_member), 'good', 'the member is in good standing');
    return next ok(exists (select from api.class_students(v_class, tests.fx_day(6, 30)) where member_id = v_member),
                   'and a student');
    perform api.period_amount_set(v_member, v_class, 12.50, tests.fx_day(8, 1));
    perform tests.fx_collect(tests.fx_day(7, 20));
    return next is(tests.fx_invoice_totals(v_member), '{12.50}'::numeric[], 'from August the member pays its own period amount of 12.50');
end
$$;

create or replace function tests.test_billing_scenarios__a_linked_member_follows_its_master()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_master bigint := tests.fx_member('Pat Parent');
    v_child  bigint := tests.fx_member('Kim Kid');
begin
    perform api.member_link(v_child, v_master);
    perform tests.fx_subscribe(v_master, v_class, tests.fx_day(1, 1));
    return next throws_ok(format('select tests.fx_subscribe(%s, %s, %L)', v_child, v_class, tests.fx_day(1, 1)),
                          'DUB12', format('member %s is linked to member %s: linked members are billed through their master',
                                          v_child, v_master),
                          'a linked member cannot be billed on its own');
    perform tests.fx_collect(tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(3, 15));
    return next is(tests.fx_invoice_ids(v_child), '{}'::bigint[], 'the linked member has no invoice');
    return next is(tests.fx_standing(v_master), 'at_risk', 'its master is at risk (January unpaid for over sixty days)');
    return next is(tests.fx_standing(v_child), 'at_risk', 'the linked member follows its master''s standing');
    return next is((select (standing, master_id, amount_due) from api.member_standing(v_child, tests.fx_day(3, 15))),
                   ('at_risk'::text, v_master, 90.00::numeric(14,2)), 'member_standing of the linked member answers for its master');
    return next is((select count(*)::int from dues.outbox where template = 'standing_at_risk'
                       and (data ->> 'member_id')::bigint in (v_master, v_child)),
                   1, 'only the master is warned');
    perform tests.fx_pay(v_master, 90);
    perform tests.fx_collect(tests.fx_day(3, 16));
    return next is(array[tests.fx_standing(v_master), tests.fx_standing(v_child)], '{good,good}'::text[],
                   'paid up, both are in good standing again');
end
$$;

create or replace function tests.test_billing_scenarios__a_suspension_and_a_reinstatement()
returns setof text
language plpgsql
as $$
declare
    v_hosting bigint := tests.fx_recurring_class();
    v_course  bigint := tests.fx_class('fixed_term', '{"price": 10, "months": 24}');
    v_member  bigint := tests.fx_member('Sam Slow');
    v_email   text;
    v_change  bigint;
begin
    v_email := (select email from dues.member where id = v_member);
    perform tests.fx_subscribe(v_member, v_hosting, tests.fx_day(1, 1));
    perform api.class_subscription_confirm(tests.fx_confirmed_order(v_member, v_course, jsonb_build_object('start_date', tests.fx_day(1, 1))));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_collect(tests.fx_day(1, 18));
    perform tests.fx_collect(tests.fx_day(2, 18));
    perform tests.fx_collect(tests.fx_day(3, 18));
    return next is(tests.fx_standing(v_member), 'at_risk', 'over sixty days late the member is at risk');
    perform tests.fx_collect(tests.fx_day(4, 5));
    return next is(tests.fx_standing(v_member), 'suspended', 'over ninety days late the member is suspended');
    v_change := (select max(id) from dues.standing_change where member_id = v_member);
    return next is((select count(*)::int from dues.standing_group_membership where standing_change_id = v_change and action = 'ended'), 2,
                   'the two memberships its subscriptions gave were ended');
    return next is((select array_agg(g.group_id order by g.group_id) from api.member_groups(v_member, tests.fx_day(4, 5)) g),
                   null::bigint[], 'the suspended member belongs to no group');
    return next is((select count(*)::int from tests.fx_outbox('standing_suspended', v_email)), 1, 'the suspension is mailed');
    return next ok(tests.fx_collect(tests.fx_day(4, 5)) ->> 'standing_changes' = '0', 'a second run the same day changes nothing');

    perform tests.fx_pay(v_member, 50);
    perform tests.fx_collect(tests.fx_day(4, 8));
    return next is(tests.fx_standing(v_member), 'at_risk',
                   'a partial payment leaves it at risk (February is over sixty days late), no longer suspended');
    return next is((select array_agg(c.id order by c.id) from dues.class c
                     where c.students_group_id in (select g.group_id from api.member_groups(v_member, tests.fx_day(4, 8)) g)),
                   array[least(v_hosting, v_course), greatest(v_hosting, v_course)],
                   'leaving the suspension gives both groups back');
    perform tests.fx_pay(v_member, 70);
    perform tests.fx_collect(tests.fx_day(4, 9));
    return next is(tests.fx_standing(v_member), 'good', 'paid up, it is in good standing');
    return next is((select array_agg(from_standing || '>' || to_standing order by id) from dues.standing_change where member_id = v_member),
                   '{good>at_risk,at_risk>suspended,suspended>at_risk,at_risk>good}'::text[], 'every standing change is recorded');
    return next ok(exists (select from api.class_students(v_course, tests.fx_day(12, 31, 1)) where member_id = v_member)
                   and not exists (select from api.class_students(v_course, tests.fx_day(1, 1, 2)) where member_id = v_member),
                   'the course membership given back ends when the course ends');
end
$$;
