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
        select v_id, 'credit', 5, current_date, issue_transaction_id from dues.invoice where id = v_id;
        v_found := array(select kind from api.ledger_check());
        raise exception 'undo';
    exception when raise_exception then
        null;
    end;
    return next is(v_found, '{receivable_mismatch}'::text[], 'a settlement without its ledger movement leaves the receivable wrong');
end
$$;
