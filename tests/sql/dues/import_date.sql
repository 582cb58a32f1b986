-- Tests of dues.import_date.

create or replace function tests.test_import_date__reads_days_that_exist_and_nothing_else()
returns setof text
language plpgsql
as $$
begin
    return next is(dues.import_date('2024-02-29'), '2024-02-29'::date, 'a day of a leap year');
    return next is(dues.import_date('0001-01-01'), '0001-01-01'::date, 'the first day there is');
    return next is(pg_catalog.array_agg(dues.import_date(t) is null order by t),
                   array[true, true, true, true, true, true, true],
                   'not a day that exists, not YYYY-MM-DD')
      from pg_catalog.unnest(array['2025-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '0000-01-01', '2025-1-01', ' 2025-01-01']) t;
    return next is(dues.import_date(null), null, 'null');
end
$$;
