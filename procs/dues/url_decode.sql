-- Decodes one url-encoded component ('Jos%E9+Mar%EDa') whose bytes are in a character set ('windows-1252').
create or replace function dues.url_decode(p_text text, p_charset text default 'UTF-8')
returns text
language sql
immutable
set search_path = ''
as $$
    select dues.charset_decode(dues.url_decode_escaped(pg_catalog.replace(p_text, '\', '\\')), p_charset)
$$;
