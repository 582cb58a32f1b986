-- The length of n periods of a unit (day, week, month, year) x count, as an interval.
create or replace function dues.period_interval(p_period text, p_count int, p_n int default 1)
returns interval
language sql
immutable
set search_path = ''
as $$
    select case p_period
               when 'day' then pg_catalog.make_interval(days => p_count * p_n)
               when 'week' then pg_catalog.make_interval(weeks => p_count * p_n)
               when 'month' then pg_catalog.make_interval(months => p_count * p_n)
               when 'year' then pg_catalog.make_interval(years => p_count * p_n)
           end
$$;
