-- Tests of api.import_balances.

create or replace function tests.test_import_balances__books_an_opening_balance_once()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_csv    text := pg_catalog.format(E'member_email,currency,amount,booked_on\n%s,usd,12.50,2025-12-31\n', tests.fx_email(v_member));
    v_open   dues.opening_balance;
    v_before jsonb;
begin
    return next is(api.import_balances(v_csv) ->> 'imported', '1', 'the line is imported');
    select o.* into v_open from dues.opening_balance o where o.member_id = v_member;
    return next is((v_open.currency, v_open.amount, v_open.booked_on), ('USD'::char(3), 12.50::numeric(14,2), '2025-12-31'::date),
                   'an opening balance of the member');
    return next is(tests.fx_member_balance(v_member), 12.50::numeric, 'credited to the member');
    return next is((select pg_catalog.jsonb_build_array(t.kind, b.booked_on, b.member_id) from dues.ledger_transaction t
                      join dues.ledger_booking b on b.ledger_transaction_id = t.id where t.id = v_open.ledger_transaction_id),
                   pg_catalog.jsonb_build_array('opening_balance', '2025-12-31', v_member), 'in a transaction booked on its day');
    return next is((select a.opening_balance from dues.ledger_posting p join dues.ledger_account a on a.id = p.account_id
                     where p.transaction_id = v_open.ledger_transaction_id and p.amount < 0), true,
                   'from the opening_balance account');
    v_before := tests.fx_state();
    return next is(api.import_balances(v_csv) ->> 'unchanged', '1', 'imported again, unchanged');
    return next is(tests.fx_state(), v_before, 'and nothing changes');
    return next throws_ok(pg_catalog.format('select api.import_balances(%L)', pg_catalog.replace(v_csv, '12.50', '13.00')), 'DU650', null,
                          'another amount for the member and currency is a bad line');
end
$$;

create or replace function tests.test_import_balances__refuses_bad_lines()
returns setof text
language plpgsql
as $$
declare
    v_email  text := tests.fx_email(tests.fx_member());
    v_before jsonb := tests.fx_state();
    v_error  jsonb;
begin
    v_error := tests.fx_error(pg_catalog.format('select api.import_balances(%L)', pg_catalog.format(
        E'member_email,currency,amount,booked_on\n%s,XXX,1,2025-01-01\n%s,USD,-5,2025-01-01\n%s,USD,1.234,2025-01-01\n%s,USD,ten,2025-01-01\n',
        v_email, v_email, v_email, v_email)));
    return next is((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(e -> 'line', e -> 'column', e -> 'code'))
                      from pg_catalog.jsonb_array_elements((v_error ->> 'detail')::jsonb -> 'errors') e),
                   '[[2, "currency", "DU021"], [3, "amount", "DU020"], [4, "amount", "DU023"], [5, "amount", "DU650"]]'::jsonb,
                   'an unknown currency, a debt, too many decimals and no amount, each named');
    return next is(tests.fx_state(), v_before, 'nothing changes');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok($q$select api.import_balances(E'member_email,currency,amount,booked_on\n')$q$, '42501', null, 'staff only');
end
$$;
