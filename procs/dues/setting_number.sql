-- A numeric setting, or the default when it is missing or not a number.
create or replace function dues.setting_number(p_name text, p_default numeric)
returns numeric
language sql
stable
set search_path = ''
as $$
    select coalesce((select s.value::numeric from dues.setting s
                      where s.name = p_name and s.value ~ '^\s*[0-9]+(\.[0-9]+)?\s*$'), p_default)
$$;
