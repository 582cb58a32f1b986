-- Parameter type text: a non-blank JSON string of at most 1000 characters.
create or replace function dues.param_text(p_value jsonb, p_currency char(3))
returns boolean
language sql
immutable
set search_path = ''
as $$
    select coalesce(pg_catalog.jsonb_typeof(p_value) = 'string'
                    and pg_catalog.btrim(p_value #>> '{}') <> ''
                    and pg_catalog.length(p_value #>> '{}') <= 1000, false)
$$;
