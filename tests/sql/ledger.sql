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
                          'DU020', 'transfer amount must be positive, got 0', 'a zero transfer is refused');
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, -5, %L)', v_from, v_to, 'test'),
                          'DU020', 'transfer amount must be positive, got -5', 'a negative transfer is refused');
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
                          'DU013', format('cannot transfer from ledger account %s to itself', v_from),
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
                          'DU023', 'amount -1.005 is not representable in USD', 'a third decimal in USD is refused, not rounded');
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 1.5, %L)', v_jpy_a, v_jpy_b, 'test'),
                          'DU023', 'amount -1.5 is not representable in JPY', 'a decimal in JPY is refused');
    return next lives_ok(format('select dues.ledger_transfer(%s, %s, 150, %L)', v_jpy_a, v_jpy_b, 'test'),
                         'whole yen are accepted');
end
$$;

create or replace function tests.test_ledger_post__records_a_transaction_of_several_postings()
returns setof text
language plpgsql
as $$
declare
    v_bank bigint := tests.fx_account('USD', true);
    v_a    bigint := tests.fx_account('USD');
    v_b    bigint := tests.fx_account('USD');
    v_tx   bigint;
begin
    v_tx := dues.ledger_post('test', 'split', array[v_b, v_bank, v_a], array[7, -10, 3]::numeric[]);
    return next is((select count(*) from dues.ledger_posting where transaction_id = v_tx), 3::bigint,
                   'one posting per account');
    return next is(tests.fx_balance(v_bank), -10::numeric, 'the bank balance went down by 10');
    return next is(tests.fx_balance(v_a), 3::numeric, 'account a received 3');
    return next is(tests.fx_balance(v_b), 7::numeric, 'account b received 7');
end
$$;

create or replace function tests.test_ledger_post__refuses_postings_that_do_not_sum_to_zero()
returns setof text
language plpgsql
as $$
declare
    v_a      bigint := tests.fx_account('USD', true);
    v_b      bigint := tests.fx_account('USD');
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s, %s], array[-10, 9]::numeric[])', 'test', v_a, v_b),
                          'DU040', 'ledger transaction does not balance: its USD postings sum to -1',
                          'unbalanced postings are refused');
    return next is(tests.fx_state(), v_before, 'the refused transaction changed nothing');
end
$$;

create or replace function tests.test_ledger_post__refuses_one_posting_or_a_zero_posting()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD', true);
    v_b bigint := tests.fx_account('USD');
begin
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s], array[0]::numeric[])', 'test', v_a),
                          'DU040', 'ledger transaction has 1 posting(s), it needs at least 2',
                          'a single posting is refused');
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s, %s], array[1]::numeric[])', 'test', v_a, v_b),
                          'DU040', 'ledger transaction has 2 accounts but 1 amounts',
                          'accounts and amounts must pair up');
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s, %s], array[0, 0]::numeric[])', 'test', v_a, v_b),
                          'DU020', 'ledger posting amount must not be zero',
                          'a zero posting is refused');
end
$$;

create or replace function tests.test_ledger_post__refuses_a_positive_balance_where_forbidden()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD', true);
    v_b bigint := tests.fx_account('USD', true, false);
begin
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 1, %L)', v_a, v_b, 'test'),
                          'DU043', null, 'a transfer into an account that may not be positive is refused');
    return next lives_ok(format('select dues.ledger_transfer(%s, %s, 1, %L)', v_b, v_a, 'test'),
                         'the same account may go negative');
end
$$;

-- Inserts raw postings, bypassing dues.ledger_post (and, when asked, moves the stored balances too).
create or replace function tests.fx_raw_transaction(p_account_ids bigint[], p_amounts numeric[], p_apply boolean default false)
returns bigint
language plpgsql
as $$
declare
    v_tx bigint;
begin
    insert into dues.ledger_transaction (kind) values ('raw') returning id into v_tx;
    insert into dues.ledger_posting (transaction_id, account_id, amount, currency)
    select v_tx, p.account_id, p.amount, a.currency
      from unnest(p_account_ids, p_amounts) as p(account_id, amount)
      join dues.ledger_account a on a.id = p.account_id;
    if p_apply then
        update dues.ledger_account a
           set balance = a.balance + p.amount
          from unnest(p_account_ids, p_amounts) as p(account_id, amount)
         where a.id = p.account_id;
    end if;
    return v_tx;
end
$$;

create or replace function tests.test_ledger_posting__refuses_unbalanced_transactions_at_commit()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD', true);
    v_b bigint := tests.fx_account('USD', true);
begin
    return next throws_like(
        format('select tests.fx_raw_transaction(array[%s, %s], array[-5, 4]::numeric[]); set constraints all immediate', v_a, v_b),
        '% does not balance: its USD postings sum to -1.00',
        'raw postings that do not sum to zero are refused by the deferred trigger');
    return next throws_like(
        format('select tests.fx_raw_transaction(array[%s], array[5]::numeric[]); set constraints all immediate', v_a),
        '% has 1 posting(s), it needs at least 2',
        'a raw transaction of one posting is refused by the deferred trigger');
    return next throws_like(
        'insert into dues.ledger_transaction (kind) values (''raw''); set constraints all immediate',
        '% has 0 posting(s), it needs at least 2',
        'a raw transaction without postings is refused by the deferred trigger');
    return next lives_ok(
        format('select tests.fx_raw_transaction(array[%s, %s], array[-5, 5]::numeric[], true); set constraints all immediate', v_a, v_b),
        'raw postings that balance pass the deferred trigger');
    -- a SET CONSTRAINTS inside a released subtransaction outlives it: put the default back
    set constraints dues.ledger_posting_balanced, dues.ledger_transaction_balanced deferred;
end
$$;

create or replace function tests.test_ledger_posting__refuses_a_currency_other_than_its_accounts()
returns setof text
language plpgsql
as $$
declare
    v_a  bigint := tests.fx_account('USD', true);
    v_b  bigint := tests.fx_account('USD');
    v_tx bigint := dues.ledger_transfer(v_a, v_b, 1, 'test');
begin
    return next throws_ok(
        format('insert into dues.ledger_posting (transaction_id, account_id, amount, currency) values (%s, %s, 1, %L)', v_tx, v_a, 'EUR'),
        '23503', null, 'a EUR posting on a USD account violates the (account, currency) foreign key');
end
$$;

create or replace function tests.test_ledger_posting__refuses_update_and_delete()
returns setof text
language plpgsql
as $$
declare
    v_a  bigint := tests.fx_account('USD', true);
    v_b  bigint := tests.fx_account('USD');
    v_tx bigint;
begin
    v_tx := dues.ledger_transfer(v_a, v_b, 3, 'test');
    return next throws_ok(format('update dues.ledger_posting set amount = amount * 2 where transaction_id = %s', v_tx),
                          'DU041', 'UPDATE on dues.ledger_posting is refused: ledger rows are immutable',
                          'postings cannot be updated');
    return next throws_ok(format('delete from dues.ledger_posting where transaction_id = %s', v_tx),
                          'DU041', 'DELETE on dues.ledger_posting is refused: ledger rows are immutable',
                          'postings cannot be deleted');
    return next is(tests.fx_balance(v_b), 3::numeric, 'the transfer is still there');
end
$$;

create or replace function tests.test_ledger_transaction__refuses_update_and_delete()
returns setof text
language plpgsql
as $$
declare
    v_a  bigint := tests.fx_account('USD', true);
    v_b  bigint := tests.fx_account('USD');
    v_tx bigint;
begin
    v_tx := dues.ledger_transfer(v_a, v_b, 3, 'test');
    return next throws_ok(format('update dues.ledger_transaction set memo = %L where id = %s', 'changed', v_tx),
                          'DU041', null, 'transactions cannot be updated');
    return next throws_ok(format('delete from dues.ledger_transaction where id = %s', v_tx),
                          'DU041', null, 'transactions cannot be deleted');
end
$$;

create or replace function tests.test_ledger_account__refuses_delete_and_a_change_of_currency()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD');
begin
    return next throws_ok(format('delete from dues.ledger_account where id = %s', v_a),
                          'DU041', null, 'accounts cannot be deleted');
    return next throws_ok(format('update dues.ledger_account set currency = %L where id = %s', 'EUR', v_a),
                          'DU041', format('ledger account %s cannot change its id or currency', v_a),
                          'an account keeps its currency');
end
$$;

create or replace function tests.test_ledger_lock__locks_accounts_in_ascending_id_order()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD');
    v_b bigint := tests.fx_account('USD');
    v_c bigint := tests.fx_account('USD');
begin
    return next is(
        (select array_agg(l.id) from dues.ledger_lock(array[v_c, v_a, v_b]) with ordinality as l(id) ),
        array[v_a, v_b, v_c],
        'accounts are locked and returned in ascending id order');
    return next is(
        (select count(*) from dues.ledger_account where id in (v_a, v_b, v_c) and xmax::text <> '0'),
        3::bigint,
        'every account asked for now carries a row lock');
    return next is(
        (select count(*) from dues.ledger_lock(array[v_a, -1])),
        1::bigint,
        'unknown ids lock nothing (callers check for them)');
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

create or replace function tests.test_ledger_check__is_empty_for_a_consistent_ledger()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD', true);
    v_b bigint := tests.fx_account('USD');
begin
    perform dues.ledger_transfer(v_a, v_b, 10, 'test');
    perform dues.ledger_transfer(v_b, v_a, 4, 'test');
    return next is_empty('select * from api.ledger_check()', 'no inconsistency is reported');
end
$$;

create or replace function tests.test_ledger_check__finds_a_corrupted_balance()
returns setof text
language plpgsql
as $$
declare
    v_a     bigint := tests.fx_account('USD', true);
    v_b     bigint := tests.fx_account('USD');
    v_found text[];
begin
    perform dues.ledger_transfer(v_a, v_b, 10, 'test');
    -- corrupt the stored balance in a subtransaction, look, then roll the corruption back
    begin
        update dues.ledger_account set balance = balance + 1 where id = v_b;
        select array_agg(c.kind || ' ' || c.object || ': ' || c.detail) into v_found from api.ledger_check() c;
        raise exception using errcode = 'DUTST';
    exception when sqlstate 'DUTST' then
        null;
    end;
    return next is(v_found,
                   array[format('balance_mismatch ledger_account %s: fx account %s: stored balance 11.00 USD, postings sum to 10.00',
                                v_b, (select substr(name, 12) from dues.ledger_account where id = v_b))],
                   'the corrupted account, and only it, is reported with both numbers');
    return next is_empty('select * from api.ledger_check()', 'the corruption was undone');
end
$$;

create or replace function tests.test_ledger_check__finds_bad_transactions_and_broken_sign_rules()
returns setof text
language plpgsql
as $$
declare
    v_a     bigint := tests.fx_account('USD');
    v_b     bigint := tests.fx_account('USD');
    v_tx1   bigint;
    v_tx2   bigint;
    v_found text[];
begin
    begin
        -- raw postings that no function wrote: unbalanced, short, and driving a non-negative account below zero
        v_tx1 := tests.fx_raw_transaction(array[v_a, v_b], array[-5, 4]::numeric[]);
        v_tx2 := tests.fx_raw_transaction(array[v_b], array[1]::numeric[]);
        select array_agg(c.kind || ' ' || c.object order by c.kind, c.object) into v_found from api.ledger_check() c;
        raise exception using errcode = 'DUTST';
    exception when sqlstate 'DUTST' then
        null;
    end;
    return next is(v_found,
                   (select array_agg(x order by x) from unnest(array[
                       'balance_mismatch ledger_account ' || v_a,
                       'balance_mismatch ledger_account ' || v_b,
                       'short_transaction ledger_transaction ' || v_tx2,
                       'sign_rule ledger_account ' || v_a,
                       'unbalanced_transaction ledger_transaction ' || v_tx1,
                       'unbalanced_transaction ledger_transaction ' || v_tx2]) x),
                   'every inconsistency is reported once');
end
$$;

-- TRUNCATE itself is not run here: it takes ACCESS EXCLUSIVE locks on the ledger tables, which would
-- deadlock with the tests the runner runs side by side. Instead: the trigger function refuses a TRUNCATE
-- (on a scratch table), and the ledger tables carry it as a BEFORE TRUNCATE trigger.
create or replace function tests.test_ledger_immutable__refuses_truncate_of_the_ledger_tables()
returns setof text
language plpgsql
as $$
declare
    v_table text;
begin
    create temporary table ledger_truncate_probe (x int) on commit drop;
    create trigger ledger_truncate_probe before truncate on pg_temp.ledger_truncate_probe
        for each statement execute function dues.ledger_immutable();
    return next throws_like('truncate pg_temp.ledger_truncate_probe',
                            'TRUNCATE on pg_temp%.ledger_truncate_probe is refused: ledger rows are immutable',
                            'dues.ledger_immutable refuses a TRUNCATE with DU041');
    return next throws_ok('truncate pg_temp.ledger_truncate_probe', 'DU041', null, 'with SQLSTATE DU041');
    foreach v_table in array array['ledger_posting', 'ledger_transaction', 'ledger_account'] loop
        return next is(
            (select count(*)
               from pg_catalog.pg_trigger t
              where t.tgrelid = ('dues.' || v_table)::regclass
                and t.tgfoid in ('dues.ledger_immutable'::regproc, 'dues.ledger_account_guard'::regproc)
                and t.tgtype & 32 <> 0   -- TRUNCATE
                and t.tgtype & 2 <> 0    -- BEFORE
                and t.tgenabled <> 'D'),
            1::bigint,
            format('dues.%s has an enabled BEFORE TRUNCATE trigger refusing it', v_table));
    end loop;
end
$$;

create or replace function tests.test_ledger_posting__checks_balance_at_commit_under_any_role()
returns setof text
language plpgsql
as $$
declare
    v_a     bigint := tests.fx_account('USD', true);
    v_b     bigint := tests.fx_account('USD');
    v_error text;
begin
    perform dues.ledger_transfer(v_a, v_b, 1, 'test');
    -- HTTP requests commit under role dues_staff, which has no access to schema dues: the deferred checks must still run
    set local role dues_staff;
    begin
        set constraints all immediate;  -- by name would need schema dues too
    exception when others then
        v_error := sqlstate || ': ' || sqlerrm;
    end;
    reset role;
    set constraints dues.ledger_posting_balanced, dues.ledger_transaction_balanced deferred;
    return next is(v_error, null, 'the deferred balance checks run under a role without access to schema dues');
end
$$;
