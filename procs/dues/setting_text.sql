-- A text setting, or '' when it is missing.
create or replace function dues.setting_text(p_name text)
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
    return coalesce((select pg_catalog.btrim(s.value) from dues.setting s where s.name = p_name), '');
end
$$;
