-- Tests of the ledger: dues.ledger_transfer, dues.ledger_post, dues.ledger_lock, the ledger guards and api.ledger_check.

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
    return next throws_ok(
        format('select tests.fx_raw_transaction(array[%s, %s], array[-5, 4]::numeric[]); set constraints all immediate', v_a, v_b),
        'DU040', null,
        'raw postings that do not sum to zero are refused by the deferred trigger');
    return next throws_ok(
        format('select tests.fx_raw_transaction(array[%s], array[5]::numeric[]); set constraints all immediate', v_a),
        'DU040', null,
        'a raw transaction of one posting is refused by the deferred trigger');
    return next throws_ok(
        'insert into dues.ledger_transaction (kind) values (''raw''); set constraints all immediate',
        'DU040', null,
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
                          'DU041', null,
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
                          'DU041', null,
                          'an account keeps its currency');
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
