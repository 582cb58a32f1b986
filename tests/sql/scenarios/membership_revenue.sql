-- Membership dues as revenue: a hackerspace whose members pay their dues through PayPal subscriptions, without any
-- recurring class, declares a membership dues class, and its revenue report shows the dues. api.ledger_check() is checked
-- after each story (the runner's teardown).

create or replace function tests.test_membership_revenue__paypal_dues_show_in_the_revenue_report()
returns setof text
language plpgsql
as $$
declare
    v_dues  bigint := (api.class_create('Membership dues', 'free')).id;
    v_ann   bigint := tests.fx_joined_member('Ann Annual');
    v_bob   bigint := tests.fx_joined_member('Bob Monthly');
    v_txn   text := tests.fx_txn();
    v_month date := date_trunc('month', tests.fx_today())::date;
    v_ipn   bigint;
begin
    -- before the site declares its dues class, the payments are credit that no invoice takes: the report shows nothing
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_ann), tests.fx_txn()));
    return next is_empty(format('select * from api.report_revenue(%L, %L) where class_id = %s', v_month, v_month, v_dues),
                         'payments before the declaration stay credit: no revenue');
    return next is(tests.fx_member_balance(v_ann), 25.00::numeric, 'Ann has 25.00 of credit');

    perform api.class_set_membership_dues(v_dues, true, 'our dues come through PayPal');
    v_ipn := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_bob), v_txn));
    return next is(tests.fx_ipn_state(v_ipn), 'processed', 'Bob''s PayPal payment is processed');
    return next is((api.membership_status(v_bob)).status, 'current', 'Bob is a current member');
    return next is(tests.fx_member_balance(v_bob), 0::numeric, 'his payment is not left as credit');
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_ann), tests.fx_txn(),
                                           array['mc_gross', '240.00']));
    return next is(tests.fx_member_balance(v_ann), 25.00::numeric, 'Ann''s annual 240.00 is revenue; her older credit stays');
    return next results_eq(format('select billed, reversed, revenue from api.report_revenue(%L, %L) where class_id = %s',
                                  v_month, v_month, v_dues),
                           $q$values (265.00::numeric(14,2), 0.00::numeric(14,2), 265.00::numeric(14,2))$q$,
                           'the revenue report shows this month''s dues under the membership dues class');

    -- PayPal sends Bob's notification again: the same payment, no second receipt, no money counted twice
    v_ipn := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_bob), v_txn));
    return next is((select count(*)::int from dues.membership_dues_receipt where member_id = v_bob), 1, 'a replay adds no receipt');
    return next results_eq(format('select revenue from api.report_revenue(%L, %L) where class_id = %s', v_month, v_month, v_dues),
                           $q$values (265.00::numeric(14,2))$q$, 'and the report is unchanged');
    return next is((select count(*)::int from api.member_statement(v_bob, v_month, tests.fx_today())
                     where kind = 'membership_dues'), 1, 'Bob''s statement shows the dues leaving his credit');

    -- the members' report: two members started this month; nobody pays again, and 90 days on both are expired
    return next results_eq(format('select started, churned from api.report_subscriptions(%L, %L) where class_id = %s',
                                  v_month, v_month, v_dues),
                           $q$values (2, 0)$q$, 'the subscriptions report counts this month''s two new paying members');
    perform tests.fx_expire(tests.fx_today() + 91);
    return next is(((api.membership_status(v_ann)).status, (api.membership_status(v_bob)).status), ('expired'::text, 'expired'::text),
                   '91 days without a payment: both expired');
    return next results_eq(format('select started, churned from api.report_subscriptions(%L, %L) where class_id = %s',
                                  tests.fx_today() + 91, tests.fx_today() + 91, v_dues),
                           $q$values (0, 2)$q$, 'and the report counts them as churned that month');
end
$$;

create or replace function tests.test_membership_revenue__invoices_and_orders_come_first()
returns setof text
language plpgsql
as $$
declare
    v_dues      bigint := (api.class_create('Membership dues', 'free')).id;
    v_workshop  bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_recurring bigint := tests.fx_recurring_class();
    v_cleo      bigint := tests.fx_joined_member('Cleo Course');
    v_dan       bigint := tests.fx_joined_member('Dan Debtor');
    v_order     bigint;
begin
    perform api.class_set_membership_dues(v_dues, true);
    -- Cleo asks for a workshop, then pays: her money is for the order
    v_order := tests.fx_order(v_cleo, v_workshop);
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_cleo), tests.fx_txn(), array['mc_gross', '40.00']));
    return next is(tests.fx_member_balance(v_cleo), 40.00::numeric, 'a member with an order waiting keeps the payment as credit');
    perform api.order_confirm(v_order);
    return next is((api.class_subscription_confirm(v_order)).member_id, v_cleo, 'and buys the workshop with it');
    -- Dan is billed by a recurring class and owes an invoice: his payment settles it
    perform tests.fx_subscribe(v_dan, v_recurring, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_dan), tests.fx_txn(), array['mc_gross', '30.00']));
    return next is(tests.fx_invoice_statuses(v_dan), '{paid}'::text[], 'a billed member''s payment pays its invoice');
    return next is_empty(format('select * from dues.membership_dues_receipt where class_id = %s', v_dues),
                         'neither payment is membership dues');
end
$$;
