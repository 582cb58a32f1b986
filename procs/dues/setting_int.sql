-- An integer setting from dues.setting, or the default when it is missing or not a whole number.
create or replace function dues.setting_int(p_name text, p_default int)
returns int
language plpgsql  -- not sql: a sql function with a search_path of its own is never inlined and costs several times more a
                  -- call (text_limit_check calls it for every row a statement writes)
stable
set search_path = ''
as $$
begin
    -- the pattern is tested on the named row only (in the WHERE it was tested on every row of the table first)
    return coalesce((select case when s.value ~ '^\s*[0-9]+\s*$' then s.value::int end from dues.setting s where s.name = p_name),
                    p_default);
end
$$;
