-- Tests of api.export_invoices.

create or replace function tests.test_export_invoices__answers_the_range_asked()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), dues.local_date(now()));
    perform tests.fx_collect(dues.local_date(now()));
    return next ok(exists (select from api.export_invoices(dues.local_date(now()), dues.local_date(now()))), 'today''s rows are there');
    return next is((select e.total from api.export_invoices() e where e.member_id = v_member limit 1), 30.00::numeric,
                   'an invoice with its total');
    return next ok(not exists (select from api.export_invoices('1990-01-01', '1990-12-31')), 'a range of long ago has none');
    return next throws_ok('select api.export_invoices(''2026-02-01'', ''2026-01-01'')', 'DU01C', null, 'from_date after to_date');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select api.export_invoices()', '42501', null, 'staff only');
end
$$;
