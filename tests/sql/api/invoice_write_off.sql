-- Tests of api.invoice_write_off.

create or replace function tests.test_invoice_write_off__closes_what_is_left()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_recurring_class();
    v_member   bigint := tests.fx_member();
    v_provider bigint;
    v_id       bigint;
begin
    v_provider := (select provider_id from dues.class where id = v_class);
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    perform tests.fx_pay(v_member, 12);
    v_id := (tests.fx_invoice_ids(v_member))[1];
    perform api.invoice_write_off(v_id, 'moved away');
    return next is((select status from dues.invoice where id = v_id), 'uncollectible', 'the invoice is uncollectible');
    return next is((select dues.ledger_balance(id) from dues.ledger_account where bad_debt_of = v_provider), -18.00::numeric(14,2),
                   'the provider wrote off the 18.00 left');
    return next is((select (amount_due, paid) from api.member_standing(v_member, tests.fx_day(6, 1))), (0.00::numeric(14,2), true),
                   'the member owes nothing more');
    perform tests.fx_collect(tests.fx_day(6, 1));
    return next is(tests.fx_standing(v_member), 'good', 'a written-off invoice does not count against the standing');
    return next throws_ok(format('select api.invoice_write_off(%s)', v_id), 'DUB11',
                          null,
                          'it cannot be written off twice');
end
$$;

create or replace function tests.test_invoice_write_off__refuses_others()
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
    v_id := (tests.fx_invoice_ids(v_member))[1];
    v_before := tests.fx_state();
    return next throws_ok('select api.invoice_write_off(-1)', 'DUB01', null, 'an unknown invoice is refused');
    return next throws_ok('select api.invoice_write_off(null)', 'DU014', null, 'a null id is refused');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.invoice_write_off(%s)', v_id), '42501', null, 'a member cannot write off its invoice');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
