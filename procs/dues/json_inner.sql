-- A string made safe to put between double quotes in JSON (a webhook body template).
create or replace function dues.json_inner(p_text text)
returns text
language sql
immutable
set search_path = ''
as $$
    select pg_catalog.substr(v, 2, pg_catalog.length(v) - 2) from (select pg_catalog.to_json(coalesce(p_text, ''))::text) j(v)
$$;
