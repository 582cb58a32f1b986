-- Text from bytes in a named character set (PayPal's charset field: windows-1252, UTF-8, ISO-8859-1, ...).
-- Never fails: NUL bytes are dropped; bytes that are not valid in the named
-- set (or an unknown set) are read as UTF-8, else as windows-1252, else as ISO-8859-1.
create or replace function dues.charset_decode(p_bytes bytea, p_charset text)
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
