-- Fills {{key}} placeholders from data; a missing key becomes empty text.
create or replace function dues.template_fill(p_text text, p_data jsonb)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_out text := coalesce(p_text, '');
    v_key text;
begin
    for v_key in select distinct m[1] from pg_catalog.regexp_matches(v_out, '\{\{\s*([a-zA-Z0-9_]+)\s*\}\}', 'g') m loop
        v_out := pg_catalog.regexp_replace(v_out, '\{\{\s*' || v_key || '\s*\}\}',
                                           pg_catalog.replace(coalesce(p_data ->> v_key, ''), '\', '\\'), 'g');
    end loop;
    return v_out;
end
$$;
