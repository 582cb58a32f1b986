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

-- Tests of the invoice checks api.ledger_check() gained with billing: invoice_status, invoice_total, receivable_mismatch.
-- Each corruption is made inside a block that is rolled back, so the ledger stays consistent for the teardown.

create or replace function tests.test_ledger_check_invoices__finds_a_status_that_disagrees()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_id     bigint;
    v_found  text[];
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    v_id := (tests.fx_invoice_ids(v_member))[1];
    return next is_empty('select * from api.ledger_check()', 'an issued, unpaid, open invoice is consistent');
    begin
        update dues.invoice set status = 'paid' where id = v_id;
        v_found := array(select kind || ' ' || object || ': ' || detail from api.ledger_check());
        raise exception 'undo';
    exception when raise_exception then
        null;
    end;
    return next is(v_found, array[format('invoice_status invoice %s: status paid, total 30.00 USD, settled 0', v_id)],
                   'an invoice marked paid without payment is found');
    perform tests.fx_pay(v_member, 30);
    begin
        update dues.invoice set status = 'open' where id = v_id;
        v_found := array(select kind from api.ledger_check());
        raise exception 'undo';
    exception when raise_exception then
        null;
    end;
    return next is(v_found, '{invoice_status}'::text[], 'an invoice left open though paid in full is found');
end
$$;

create or replace function tests.test_ledger_check_invoices__finds_wrong_totals_and_receivables()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_id     bigint;
    v_found  text[];
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    v_id := (tests.fx_invoice_ids(v_member))[1];
    begin
        update dues.invoice_line set amount = 29 where invoice_id = v_id;
        v_found := array(select kind from api.ledger_check());
        raise exception 'undo';
    exception when raise_exception then
        null;
    end;
    return next is(v_found, '{invoice_total}'::text[], 'a total that is not the sum of the lines is found');
    begin
        insert into dues.settlement (invoice_id, kind, amount, settled_on, ledger_transaction_id)
        select v_id, 'credit', 5, tests.fx_today(), issue_transaction_id from dues.invoice where id = v_id;
        v_found := array(select kind from api.ledger_check());
        raise exception 'undo';
    exception when raise_exception then
        null;
    end;
    return next is(v_found, '{receivable_mismatch}'::text[], 'a settlement without its ledger movement leaves the receivable wrong');
end
$$;
