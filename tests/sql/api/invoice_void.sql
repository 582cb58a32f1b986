-- Tests of api.invoice_void.

create or replace function tests.test_invoice_void__reverses_and_rebills()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_recurring_class();
    v_member  bigint := tests.fx_member();
    v_sub     bigint;
    v_id      bigint;
    v_revenue numeric;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    v_revenue := tests.fx_balance(dues.class_account(v_class));
    perform tests.fx_collect(tests.fx_day(1, 1));
    perform tests.fx_pay(v_member, 10);
    v_id := (tests.fx_invoice_ids(v_member))[1];
    perform api.invoice_void(v_id, 'wrong dues');
    return next is((select status from dues.invoice where id = v_id), 'void', 'the invoice is void');
    return next is(tests.fx_member_balance(v_member), 10.00::numeric, 'what was paid on it is the member''s credit again');
    return next is(tests.fx_balance(dues.class_account(v_class)), v_revenue, 'the class gave the revenue back');
    return next is((select reason from dues.invoice_status_change where invoice_id = v_id and to_status = 'void'), 'wrong dues',
                   'the reason is recorded');
    perform api.period_amount_set(v_member, v_class, 25, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 2));
    return next is(tests.fx_invoice_totals(v_member), '{30.00,25.00}'::numeric[], 'the next run bills the month again, at the new dues');
    return next is(tests.fx_amount_due((tests.fx_invoice_ids(v_member))[2]), 15.00::numeric, 'and the credit pays part of it');
end
$$;

create or replace function tests.test_invoice_void__refuses_paid_and_voided()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_id     bigint;
    v_before jsonb;
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    perform tests.fx_pay(v_member, 30);
    v_id := (tests.fx_invoice_ids(v_member))[1];
    v_before := tests.fx_state();
    return next throws_ok(format('select api.invoice_void(%s)', v_id), 'DUB11',
                          format('invoice %s is paid, only a draft or open invoice can be voided', v_id), 'a paid invoice is refused');
    return next throws_ok('select api.invoice_void(-1)', 'DUB01', null, 'an unknown invoice is refused');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.invoice_void(%s)', v_id), '42501', null, 'a member cannot void its invoice');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
