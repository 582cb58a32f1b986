-- Tests of api.export_journal.

create or replace function tests.test_export_journal__balances_per_transaction_in_a_billing_scenario()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_today  date := dues.local_date(now());
    v_first  bigint := (select coalesce(max(t.id), 0) from dues.ledger_transaction t);
begin
    perform api.import_balances(pg_catalog.format(E'member_email,currency,amount,booked_on\n%s,USD,5.00,2025-12-31\n', tests.fx_email(v_member)));
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), v_today);
    perform tests.fx_collect(v_today);
    perform tests.fx_pay(v_member, 40);
    return next ok((select pg_catalog.count(distinct j.transaction_id) from api.export_journal() j
                     where j.transaction_id > v_first and j.member_id = v_member) >= 3,
                   'the scenario''s transactions are in the journal (opening balance, invoice, payment, settlement)');
    return next is((select pg_catalog.count(*)::int from (
                        select j.transaction_id, j.currency from api.export_journal() j
                         group by j.transaction_id, j.currency
                        having pg_catalog.sum(coalesce(j.debit, 0)) <> pg_catalog.sum(coalesce(j.credit, 0))) x), 0,
                   'debits equal credits in every transaction and currency');
    return next ok(exists (select from api.export_journal() j join dues.invoice i on i.number = j.invoice_number
                            where i.member_id = v_member and j.kind = 'invoice'),
                   'the invoice''s transaction names its number');
    return next is((select pg_catalog.array_agg(distinct j.date) from api.export_journal('2025-12-31', '2025-12-31') j
                     where j.member_id = v_member), array['2025-12-31'::date], 'the opening balance is on its own day');
    return next ok(not exists (select from api.export_journal() j where j.debit is not null and j.credit is not null or j.debit <= 0 or j.credit <= 0),
                   'each row is a debit or a credit, of a positive amount');
    return next throws_ok('select api.export_journal(''2026-02-01'', ''2026-01-01'')', 'DU01C', null, 'from_date after to_date');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select api.export_journal()', '42501', null, 'staff only');
end
$$;
