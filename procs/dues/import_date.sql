-- The date an imported field writes as YYYY-MM-DD, or null when it is not one (a day that is not in its month, year 0).
-- Without an exception block, so a large file's dates are read set-based at the cost of a function call each.
create or replace function dues.import_date(p_text text)
returns date
language plpgsql
immutable
strict
set search_path = ''
as $$
declare
    v_year  int;
    v_month int;
    v_day   int;
    v_first date;
begin
    if p_text !~ '^\d{4}-\d{2}-\d{2}$' then
        return null;
    end if;
    v_year := pg_catalog.substr(p_text, 1, 4)::int;
    v_month := pg_catalog.substr(p_text, 6, 2)::int;
    v_day := pg_catalog.substr(p_text, 9, 2)::int;
    if v_year < 1 or v_month not between 1 and 12 or v_day < 1 then
        return null;
    end if;
    v_first := pg_catalog.make_date(v_year, v_month, 1);
    if v_day > pg_catalog.date_part('day', v_first + interval '1 month' - interval '1 day') then
        return null;
    end if;
    return v_first + (v_day - 1);
end
$$;
