-- Tests of dues.membership_dues_recognise: a payment as the membership dues class's revenue, once.

create or replace function tests.test_membership_dues_recognise__a_members_payment_is_the_class_revenue()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class('free');
    v_member  bigint := tests.fx_joined_member('Rae Receipt');
    v_payment dues.payment;
    v_receipt dues.membership_dues_receipt;
begin
    v_payment := api.register_payment(v_member, 25, 'USD', 'manual', tests.fx_ref('before'));
    return next is(dues.membership_dues_recognise(v_payment, tests.fx_today()), null::dues.membership_dues_receipt,
                   'no membership dues class: nothing recognised');
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'the payment stays credit');
    perform api.class_set_membership_dues(v_class, true);
    v_receipt := dues.membership_dues_recognise(v_payment, tests.fx_today());
    return next is((v_receipt.class_id, v_receipt.amount, v_receipt.received_on), (v_class, 25.00::numeric(14,2), tests.fx_today()),
                   'with one, the payment is the class''s revenue, with a receipt');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'moved from the member''s credit');
    return next is(dues.ledger_balance(dues.class_account(v_class)), 25.00::numeric, 'to the class''s revenue account');
    return next is((dues.membership_dues_recognise(v_payment, tests.fx_today())).ledger_transaction_id, v_receipt.ledger_transaction_id,
                   'again: the same receipt');
    return next is(dues.ledger_balance(dues.class_account(v_class)), 25.00::numeric, 'and no money moved twice');
    return next is((select kind from dues.ledger_transaction where id = v_receipt.ledger_transaction_id), 'membership_dues',
                   'a ledger transaction of kind membership_dues');
    return next is((select booked_on from dues.ledger_booking where ledger_transaction_id = v_receipt.ledger_transaction_id),
                   tests.fx_today(), 'booked on its business day');
    return next throws_ok(format('delete from dues.membership_dues_receipt where payment_id = %s', v_payment.id), 'DU042', null,
                          'a receipt is never deleted');
    return next throws_ok(format('select api.payment_refund(%s, 25, %L)', v_payment.id, tests.fx_ref('refund')), 'DU734', null,
                          'a refund of dues is refused: the dues are revenue');
    return next is(dues.ledger_balance(dues.class_account(v_class)), 25.00::numeric, 'and the revenue stays');
end
$$;

create or replace function tests.test_membership_dues_recognise__debts_orders_and_billing_come_first()
returns setof text
language plpgsql
as $$
declare
    v_dues      bigint := tests.fx_class('free');
    v_recurring bigint := tests.fx_recurring_class();
    v_priced    bigint := tests.fx_class('single_payment', '{"price": "10.00"}');
    v_billed    bigint := tests.fx_joined_member('Bo Billed');
    v_ordering  bigint := tests.fx_joined_member('Oz Ordering');
    v_stranger  bigint := tests.fx_member('Sam Stranger');
    v_reserved  bigint := tests.fx_joined_member('Ria Reserved');
    v_payment   dues.payment;
begin
    perform api.class_set_membership_dues(v_dues, true);
    -- a member billed by a recurring class: its credit is for the invoices
    perform tests.fx_subscribe(v_billed, v_recurring, tests.fx_day(1, 1));
    v_payment := api.register_payment(v_billed, 50, 'USD', 'manual', tests.fx_ref('billed'));
    return next is(dues.membership_dues_recognise(v_payment, tests.fx_today()), null::dues.membership_dues_receipt,
                   'a member with a running recurring subscription: not recognised');
    -- an opened order waits for the money
    perform tests.fx_order(v_ordering, v_priced);
    v_payment := api.register_payment(v_ordering, 10, 'USD', 'manual', tests.fx_ref('ordering'));
    return next is(dues.membership_dues_recognise(v_payment, tests.fx_today()), null::dues.membership_dues_receipt,
                   'a member with an opened order: not recognised');
    -- no membership: a customer, not a member
    v_payment := api.register_payment(v_stranger, 10, 'USD', 'manual', tests.fx_ref('stranger'));
    return next is(dues.membership_dues_recognise(v_payment, tests.fx_today()), null::dues.membership_dues_receipt,
                   'a member without a membership: not recognised');
    -- credit reserved by a confirmed order is left alone: only what the payment leaves available
    perform tests.fx_confirmed_order(v_reserved, v_priced);
    v_payment := api.register_payment(v_reserved, 15, 'USD', 'manual', tests.fx_ref('reserved'));
    return next is((dues.membership_dues_recognise(v_payment, tests.fx_today())).amount, 15.00::numeric(14,2),
                   'a later payment is recognised, up to its amount');
    return next is(tests.fx_member_balance(v_reserved) - dues.member_reserved(v_reserved, 'USD'), 0::numeric,
                   'and the reserved credit is still there');
    return next is(tests.fx_member_balance(v_reserved), 10.00::numeric, 'the order''s 10.00');
end
$$;

create or replace function tests.test_membership_dues_recognise__only_a_running_membership()
returns setof text
language plpgsql
as $$
declare
    v_dues     bigint := tests.fx_class('free');
    v_resigned bigint := tests.fx_joined_member('Rex Resigned');
    v_waived   bigint := tests.fx_joined_member('Wes Waived');
    v_leaving  bigint := tests.fx_joined_member('Lea Leaving');
    v_payment  dues.payment;
begin
    perform api.class_set_membership_dues(v_dues, true);
    perform api.membership_resign(v_resigned, tests.fx_today());
    v_payment := api.register_payment(v_resigned, 20, 'USD', 'manual', tests.fx_ref('resigned'));
    return next is(dues.membership_dues_recognise(v_payment, tests.fx_today()), null::dues.membership_dues_receipt,
                   'a member who resigned: not recognised');
    return next is(tests.fx_member_balance(v_resigned), 20.00::numeric, 'its payment stays credit');
    perform api.membership_waive(v_waived, true);
    v_payment := api.register_payment(v_waived, 20, 'USD', 'manual', tests.fx_ref('waived'));
    return next is(dues.membership_dues_recognise(v_payment, tests.fx_today()), null::dues.membership_dues_receipt,
                   'a member whose dues are waived: not recognised');
    return next is(tests.fx_member_balance(v_waived), 20.00::numeric, 'its payment stays credit');
    perform api.membership_resign(v_leaving, tests.fx_today() + 1);
    v_payment := api.register_payment(v_leaving, 20, 'USD', 'manual', tests.fx_ref('leaving'));
    return next is((dues.membership_dues_recognise(v_payment, tests.fx_today())).amount, 20.00::numeric(14,2),
                   'a member resigning on a later day: its membership still runs, recognised');
end
$$;
