-- Tests of api.register_payment as billing changed it: new credit settles open invoices, oldest due first, and leaves
-- alone the credit confirmed orders reserve.

create or replace function tests.test_register_payment_settles__oldest_invoice_first()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_ids    bigint[];
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_collect(tests.fx_day(1, 18));
    v_ids := tests.fx_invoice_ids(v_member);
    perform tests.fx_pay(v_member, 45);
    return next is(tests.fx_invoice_statuses(v_member), '{paid,open}'::text[], 'the January invoice is paid first');
    return next is(tests.fx_amount_due(v_ids[2]), 15.00::numeric, 'then half of February');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'no credit is left');
    return next is((select array_agg(amount order by invoice_id) from dues.settlement where invoice_id = any (v_ids)),
                   '{30.00,15.00}'::numeric[], 'one settlement per invoice');
    perform api.register_payment(v_member, 50, 'USD', 'paypal', 'PP-settle-1');
    perform api.register_payment(v_member, 50, 'USD', 'paypal', 'PP-settle-1');
    return next is(tests.fx_member_balance(v_member), 35.00::numeric, 'a replayed payment settles nothing twice: 35.00 of credit');
end
$$;

create or replace function tests.test_register_payment_settles__keeps_credit_reserved_by_orders()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_course bigint := tests.fx_class('single_payment', '{"price": 25}');
    v_order  bigint;
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    v_order := tests.fx_confirmed_order(v_member, v_course);
    perform tests.fx_collect(tests.fx_day(1, 1));
    return next is(tests.fx_invoice_statuses(v_member), '{open}'::text[], 'the 25.00 reserved by the confirmed order did not pay the invoice');
    perform tests.fx_pay(v_member, 10);
    return next is(tests.fx_amount_due((tests.fx_invoice_ids(v_member))[1]), 20.00::numeric, 'a new payment of 10.00 did');
    return next is((api.class_subscription_confirm(v_order)).member_id, v_member, 'the order still becomes a subscription');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'with the credit it had reserved');
end
$$;
