-- The fields of a form-encoded body as a JSON object of text values, decoded
-- in the body's charset field (UTF-8 when it has none). A field given twice
-- keeps its first value; a piece without '=' is a field with an empty value.
-- Never fails, whatever the bytes.
create or replace function dues.form_decode(p_body bytea)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_escaped text := pg_catalog.encode(coalesce(p_body, ''::bytea), 'escape');
    v_charset text;
    v_fields  jsonb := '{}'::jsonb;
    v_pair    text;
    v_name    text;
    v_value   text;
begin
    -- the charset field itself is ASCII
    select dues.charset_decode(dues.url_decode_escaped(pg_catalog.substr(p, 9)), 'UTF8') into v_charset
      from pg_catalog.regexp_split_to_table(v_escaped, '&') p
     where p like 'charset=%'
     limit 1;
    for v_pair in select p from pg_catalog.regexp_split_to_table(v_escaped, '&') p where p <> '' loop
        v_name := dues.charset_decode(dues.url_decode_escaped(pg_catalog.split_part(v_pair, '=', 1)), v_charset);
        v_value := case when pg_catalog.strpos(v_pair, '=') > 0
                        then dues.charset_decode(dues.url_decode_escaped(pg_catalog.substr(v_pair, pg_catalog.strpos(v_pair, '=') + 1)), v_charset)
                        else '' end;
        if not v_fields ? v_name then
            v_fields := v_fields || pg_catalog.jsonb_build_object(v_name, v_value);
        end if;
    end loop;
    return v_fields;
end
$$;
