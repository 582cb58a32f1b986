-- Tests of dues.ledger_account_guard (its update trigger runs only for a change of id or currency).

create or replace function tests.test_ledger_account_guard__refuses_new_id_currency_or_delete()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD');
begin
    return next throws_ok(format('update dues.ledger_account set currency = %L where id = %s', 'EUR', v_a),
                          'DU041', null,
                          'an account keeps its currency');
    return next throws_ok(format('update dues.ledger_account set id = default where id = %s', v_a),
                          'DU041', null,
                          'an account keeps its id');
    return next throws_ok(format('update dues.ledger_account set currency = %L, balance = balance + 1 where id = %s', 'EUR', v_a),
                          'DU041', null, 'also with its balance');
    return next throws_ok(format('delete from dues.ledger_account where id = %s', v_a),
                          'DU041', null,
                          'an account is never deleted');
    return next is((select a.currency::text from dues.ledger_account a where a.id = v_a), 'USD', 'the account is unchanged');
end
$$;

create or replace function tests.test_ledger_account_guard__lets_a_balance_move()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD');
begin
    return next lives_ok(format('update dues.ledger_account set balance = balance + 5 where id = %s', v_a),
                         'a balance-only update passes');
    return next lives_ok(format('update dues.ledger_account set currency = currency, balance = balance - 5 where id = %s', v_a),
                         'so does one that sets the currency it has');
    return next is((select a.balance from dues.ledger_account a where a.id = v_a), 0.00, 'the balance moved');
end
$$;
