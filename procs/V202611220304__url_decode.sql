-- Decoding application/x-www-form-urlencoded bodies (PayPal IPN) in SQL, in
-- the character set the body names.

-- Text from bytes in a named character set (PayPal's charset field: windows-1252, UTF-8, ISO-8859-1, ...).
-- Never fails: NUL bytes are dropped; bytes that are not valid in the named
-- set (or an unknown set) are read as UTF-8, else as windows-1252, else as ISO-8859-1.
create function dues.charset_decode(p_bytes bytea, p_charset text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_bytes   bytea := p_bytes;
    v_charset text;
begin
    if v_bytes is null then
        return null;
    end if;
    -- text cannot hold NUL
    while pg_catalog.position(v_bytes, '\x00'::bytea) > 0 loop
        v_bytes := pg_catalog.overlay(v_bytes, ''::bytea, pg_catalog.position(v_bytes, '\x00'::bytea), 1);
    end loop;
    foreach v_charset in array array[coalesce(nullif(pg_catalog.btrim(p_charset), ''), 'UTF8'), 'UTF8', 'WIN1252', 'LATIN1'] loop
        begin
            return pg_catalog.convert_from(v_bytes, v_charset);
        exception when invalid_parameter_value or character_not_in_repertoire or untranslatable_character then
            null;  -- an unknown name or bytes it cannot read: try the next
        end;
    end loop;
    return pg_catalog.convert_from(v_bytes, 'LATIN1');
end
$$;

-- The bytes of one url-encoded component given in PostgreSQL's bytea escape
-- format (as encode(body, 'escape') gives it): '+' is a space, %XX a byte, a
-- '%' not followed by two hex digits stays as it is.
create function dues.url_decode_escaped(p_escaped text)
returns bytea
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_out   bytea := ''::bytea;
    v_piece text[];
begin
    if p_escaped is null then
        return null;
    end if;
    for v_piece in
        select m from pg_catalog.regexp_matches(pg_catalog.replace(p_escaped, '+', ' '), '(%[0-9A-Fa-f]{2})|([^%]+)|(%)', 'g') m
    loop
        if v_piece[1] is not null then
            v_out := v_out || pg_catalog.decode(pg_catalog.substr(v_piece[1], 2), 'hex');
        elsif v_piece[2] is not null then
            v_out := v_out || pg_catalog.decode(v_piece[2], 'escape');
        else
            v_out := v_out || '\x25'::bytea;
        end if;
    end loop;
    return v_out;
end
$$;

-- Decodes one url-encoded component ('Jos%E9+Mar%EDa') whose bytes are in a character set ('windows-1252').
create function dues.url_decode(p_text text, p_charset text default 'UTF-8')
returns text
language sql
immutable
set search_path = ''
as $$
    select dues.charset_decode(dues.url_decode_escaped(pg_catalog.replace(p_text, '\', '\\')), p_charset)
$$;

-- The fields of a form-encoded body as a JSON object of text values, decoded
-- in the body's charset field (UTF-8 when it has none). A field given twice
-- keeps its first value; a piece without '=' is a field with an empty value.
-- Never fails, whatever the bytes.
create function dues.form_decode(p_body bytea)
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
