-- Tests of api.payment_get: one payment with the invoices its registration settled and its refunds.

create or replace function tests.test_payment_get__answers_what_a_payment_settled_and_what_was_refunded()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_invoice bigint;
    v_payment bigint;
    v_payment2 bigint;
    v_got     record;
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_today());
    perform tests.fx_collect(tests.fx_today());
    v_invoice := (tests.fx_invoice_ids(v_member))[1];
    v_payment := (api.register_payment(v_member, 50, method => 'bank_transfer', external_ref => 'stmt-' || v_member)).id;
    perform api.payment_refund(v_payment, 5, 'ref-1', 'too much');
    select * into v_got from api.payment_get(v_payment);
    return next is((v_got.id, v_got.member_id, v_got.amount, v_got.method, v_got.external_ref),
                   (v_payment, v_member, 50.00::numeric(14,2), 'bank_transfer'::text, 'stmt-' || v_member), 'the payment');
    return next is(v_got.settled, jsonb_build_array(jsonb_build_object('invoice_id', v_invoice, 'number',
                                                    (select number from dues.invoice where id = v_invoice),
                                                    'amount', 30.00, 'settled_on', tests.fx_today())),
                   'the open invoice its registration paid');
    return next is((v_got.refunds -> 0 ->> 'amount', v_got.refunds -> 0 ->> 'reason'), ('5.00'::text, 'too much'::text), 'its refunds');
    return next is((v_got.refunded, v_got.refundable), (5.00::numeric(14,2), 45.00::numeric(14,2)),
                   'what was refunded and what may still be');
    return next is(v_got.ipn_message_id, null, 'no PayPal notification brought it');
    v_payment2 := tests.fx_pay(v_member, 3);
    return next is((api.payment_get(v_payment2)).settled, '[]'::jsonb, 'a payment with nothing to settle settled nothing');
    perform tests.fx_as_member(v_member);
    return next is((api.payment_get(v_payment)).amount, 50.00::numeric(14,2), 'a member reads its own');
end
$$;

create or replace function tests.test_payment_get__names_the_notification_a_payment_came_from()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_ipn    bigint := tests.fx_ipn(tests.fx_ipn_body('web_accept', tests.fx_email(v_member), tests.fx_txn()));
begin
    return next is((api.payment_get((select payment_id from dues.ipn_message where id = v_ipn))).ipn_message_id, v_ipn,
                   'a PayPal payment names its notification');
end
$$;

create or replace function tests.test_payment_get__refuses_another_members_payment_as_a_missing_one()
returns setof text
language plpgsql
as $$
declare
    v_payment bigint := tests.fx_pay(tests.fx_member(), 10);
begin
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok(format('select api.payment_get(%s)', v_payment), '42501', null, 'another member''s payment is refused');
    return next is(tests.fx_error(format('select api.payment_get(%s)', v_payment)),
                   tests.fx_error(format('select api.payment_get(%s)', v_payment + 1000000)), 'as one that does not exist');
    perform tests.fx_as_staff();
    return next throws_ok(format('select api.payment_get(%s)', v_payment + 1000000), 'DUB06', null, 'staff are told it does not exist');
    return next throws_ok('select api.payment_get(null)', 'DU014', null, 'payment_id is required');
end
$$;
