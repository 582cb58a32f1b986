-- Tests of api.export_members.

create or replace function tests.test_export_members__answers_the_range_asked()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_pay(v_member, 10);
    return next ok(exists (select from api.export_members(dues.local_date(now()), dues.local_date(now()))), 'today''s rows are there');
    return next ok(not exists (select from api.export_members('1990-01-01', '1990-12-31')), 'a range of long ago has none');
    return next throws_ok('select api.export_members(''2026-02-01'', ''2026-01-01'')', 'DU01C', null, 'from_date after to_date');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select api.export_members()', '42501', null, 'staff only');
end
$$;
