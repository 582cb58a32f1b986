-- Tests of api.member_statement.

create or replace function tests.test_member_statement__runs_a_balance_over_every_line()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_recurring_class();
begin
    perform tests.fx_pay(v_member, 50);
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 20));
    return next results_eq(format($q$select kind, account, amount, balance from api.member_statement(%s)$q$, v_member),
                           $q$values ('payment'::text, 'credit'::text, 50.00::numeric(14,2), 50.00::numeric(14,2)),
                                     ('invoice', 'receivable', -60.00, -10.00),
                                     ('invoice_settlement', 'credit', -50.00, -60.00),
                                     ('invoice_settlement', 'receivable', 50.00, -10.00)$q$,
                           'the payment, the invoice of 60.00, and the credit applied to it: the member owes 10.00');
    return next results_eq(format($q$select kind, amount, balance from api.member_statement(%s, %L)$q$, v_member, tests.fx_day(1, 20)),
                           $q$values ('opening_balance'::text, 50.00::numeric(14,2), 50.00::numeric(14,2)),
                                     ('invoice', -60.00, -10.00),
                                     ('invoice_settlement', -50.00, -60.00),
                                     ('invoice_settlement', 50.00, -10.00)$q$,
                           'from the day of the invoice: the payment made before is the opening balance');
    return next is((select invoice_number from api.member_statement(v_member) where kind = 'invoice'),
                   (select number from dues.invoice where member_id = v_member), 'the invoice line names the invoice');
    return next throws_ok(format('select * from api.member_statement(%s, %L, %L)', v_member, tests.fx_day(2, 1), tests.fx_day(1, 1)),
                          'DU01C', null, 'reversed dates are refused');
    return next throws_ok('select * from api.member_statement(-1)', 'DU001', null, 'an unknown member is refused');
end
$$;
