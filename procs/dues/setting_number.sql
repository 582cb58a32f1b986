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
    select s.value::numeric into v_value
      from dues.setting s
     where s.name = p_name and s.value ~ '^\s*[0-9]+(\.[0-9]+)?\s*$';
    return coalesce(v_value, p_default);
end
$$;
