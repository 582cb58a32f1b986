-- The longest text of a kind (name, address, note), from setting text_limit_<kind>.
create or replace function dues.text_limit(p_kind text)
returns int
language plpgsql  -- not sql: see dues.setting_int
stable
set search_path = ''
as $$
begin
    return dues.setting_int('text_limit_' || p_kind, case p_kind when 'name' then 200 when 'address' then 1000 else 4000 end);
end
$$;
