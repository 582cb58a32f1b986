-- The first days of the months from one day's month to another's (both included); refuses a bad range.
create or replace function dues.report_months(p_from date, p_to date)
returns setof date
language plpgsql
immutable
set search_path = ''
as $$
begin
    perform dues.report_range_check(p_from, p_to);
    return query
        select m::date
          from pg_catalog.generate_series(pg_catalog.date_trunc('month', p_from::timestamp),
                                          pg_catalog.date_trunc('month', p_to::timestamp), interval '1 month') as g(m);
end
$$;
