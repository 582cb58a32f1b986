-- A numeric setting, or the default when it is missing or not a number.
-- PL/pgSQL, not SQL, so that its query is planned once per session and not on every call.
create or replace function dues.setting_number(p_name text, p_default numeric)
returns numeric
language plpgsql
stable
set search_path = ''
as $$
declare
    v_value numeric;
begin
    -- the pattern is tested on the named row only: as a condition of the WHERE it was tested first, on every row of
    -- the table (the planner puts an equality such as s.name = p_name after the other conditions of a scan)
    select case when s.value ~ '^\s*[0-9]+(\.[0-9]+)?\s*$' then s.value::numeric end into v_value
      from dues.setting s
     where s.name = p_name;
    return coalesce(v_value, p_default);
end
$$;
