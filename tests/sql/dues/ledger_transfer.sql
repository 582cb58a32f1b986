-- Tests of dues.ledger_transfer.

-- Tests of the ledger: dues.ledger_transfer, dues.ledger_post, dues.ledger_lock, the ledger guards and api.ledger_check.

create or replace function tests.test_ledger_transfer__moves_the_amount_between_balances()
returns setof text
language plpgsql
as $$
declare
    v_from bigint := tests.fx_account('USD', true);
    v_to   bigint := tests.fx_account('USD');
    v_tx   bigint;
begin
    v_tx := dues.ledger_transfer(v_from, v_to, 12.50, 'test', 'a transfer');
    return next is(tests.fx_balance(v_from), -12.50::numeric, 'the source balance went down by the amount');
    return next is(tests.fx_balance(v_to), 12.50::numeric, 'the target balance went up by the amount');
    return next results_eq(
        format('select account_id, amount from dues.ledger_posting where transaction_id = %s order by id', v_tx),
        format('values (%s::bigint, -12.50::numeric(14,2)), (%s, 12.50)', v_from, v_to),
        'the transaction holds one negative and one positive posting');
    return next is((select kind || ':' || memo from dues.ledger_transaction where id = v_tx), 'test:a transfer',
                   'the transaction keeps its kind and memo');
end
$$;

create or replace function tests.test_ledger_transfer__refuses_a_zero_or_negative_amount()
returns setof text
language plpgsql
as $$
declare
    v_from   bigint := tests.fx_account('USD', true);
    v_to     bigint := tests.fx_account('USD');
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 0, %L)', v_from, v_to, 'test'),
                          'DU020', null, 'a zero transfer is refused');
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, -5, %L)', v_from, v_to, 'test'),
                          'DU020', null, 'a negative transfer is refused');
    return next is(tests.fx_state(), v_before, 'the refused transfers changed nothing');
end
$$;

create or replace function tests.test_ledger_transfer__refuses_accounts_in_different_currencies()
returns setof text
language plpgsql
as $$
declare
    v_usd bigint := tests.fx_account('USD', true);
    v_eur bigint := tests.fx_account('EUR');
begin
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 1, %L)', v_usd, v_eur, 'test'),
                          'DU022', format('cannot transfer from account %s in USD to account %s in EUR', v_usd, v_eur),
                          'a transfer across currencies is refused');
end
$$;

create or replace function tests.test_ledger_transfer__refuses_an_unknown_account()
returns setof text
language plpgsql
as $$
declare
    v_from bigint := tests.fx_account('USD', true);
begin
    return next throws_ok(format('select dues.ledger_transfer(%s, -1, 1, %L)', v_from, 'test'),
                          'DU005', 'ledger account -1 not found', 'a transfer to an unknown account is refused');
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 1, %L)', v_from, v_from, 'test'),
                          'DU01H', null,
                          'a transfer from an account to itself is refused');
end
$$;

create or replace function tests.test_ledger_transfer__refuses_to_overdraw_a_non_negative_acct()
returns setof text
language plpgsql
as $$
declare
    v_bank   bigint := tests.fx_account('USD', true);
    v_member bigint := tests.fx_account('USD');
    v_shop   bigint := tests.fx_account('USD');
    v_before jsonb;
begin
    perform dues.ledger_transfer(v_bank, v_member, 10, 'test');
    v_before := tests.fx_state();
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 10.01, %L)', v_member, v_shop, 'test'),
                          'DU030', null, 'spending more than the balance is refused');
    return next is(tests.fx_state(), v_before, 'the refused transfer changed nothing');
    perform dues.ledger_transfer(v_member, v_shop, 10, 'test');
    return next is(tests.fx_balance(v_member), 0::numeric, 'spending exactly the balance is allowed');
end
$$;

create or replace function tests.test_ledger_transfer__refuses_more_decimals_than_the_currency()
returns setof text
language plpgsql
as $$
declare
    v_usd_a bigint := tests.fx_account('USD', true);
    v_usd_b bigint := tests.fx_account('USD');
    v_jpy_a bigint := tests.fx_account('JPY', true);
    v_jpy_b bigint := tests.fx_account('JPY');
begin
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 1.005, %L)', v_usd_a, v_usd_b, 'test'),
                          'DU023', null, 'a third decimal in USD is refused, not rounded');
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 1.5, %L)', v_jpy_a, v_jpy_b, 'test'),
                          'DU023', null, 'a decimal in JPY is refused');
    return next lives_ok(format('select dues.ledger_transfer(%s, %s, 150, %L)', v_jpy_a, v_jpy_b, 'test'),
                         'whole yen are accepted');
end
$$;

create or replace function tests.test_ledger_transfer__moves_money_both_ways_between_accounts()
returns setof text
language plpgsql
as $$
declare
    v_low  bigint := tests.fx_account('USD', true);
    v_high bigint := tests.fx_account('USD', true);
begin
    -- both directions take the locks low id first, so two such transfers running at once wait instead of deadlocking
    perform dues.ledger_transfer(v_high, v_low, 5, 'test');
    perform dues.ledger_transfer(v_low, v_high, 2, 'test');
    return next is(tests.fx_balance(v_low), 3::numeric, 'the lower account received 5 and paid 2');
    return next is(tests.fx_balance(v_high), -3::numeric, 'the higher account paid 5 and received 2');
end
$$;
