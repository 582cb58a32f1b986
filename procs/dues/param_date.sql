-- Parameter type date: a JSON string holding a valid ISO date, YYYY-MM-DD.
create or replace function dues.param_date(p_value jsonb, p_currency char(3))
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
-- @plpgsql_check_options: extra_warnings = off
-- (p_currency is unused: dates have no currency, but every validator shares one signature)
declare
    v_date date;
begin
    if pg_catalog.jsonb_typeof(p_value) is distinct from 'string' or (p_value #>> '{}') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then
        return false;
    end if;
    v_date := (p_value #>> '{}')::date;
    return v_date is not null;
exception when data_exception then
    return false;  -- 2026-02-30 and the like
end
$$;
