-- The numeric value of a JSON number or numeric string, or null when it is neither.
create or replace function dues.jsonb_numeric(p_value jsonb)
returns numeric
language sql
immutable
set search_path = ''
as $$
    select case
        when pg_catalog.jsonb_typeof(p_value) = 'number' then (p_value #>> '{}')::numeric
        when pg_catalog.jsonb_typeof(p_value) = 'string' and (p_value #>> '{}') ~ '^-?[0-9]+(\.[0-9]+)?$'
            then (p_value #>> '{}')::numeric
    end
$$;
