-- Percent-encodes text for a URL's query (RFC 3986): every UTF-8 byte but letters, digits and - . _ ~ is %XX.
create or replace function dues.url_encode(p_text text)
returns text
language sql
immutable
strict
set search_path = ''
as $$
    select coalesce(pg_catalog.string_agg(
               case when pg_catalog.get_byte(b.bytes, i) between 48 and 57       -- 0-9
                      or pg_catalog.get_byte(b.bytes, i) between 65 and 90       -- A-Z
                      or pg_catalog.get_byte(b.bytes, i) between 97 and 122      -- a-z
                      or pg_catalog.get_byte(b.bytes, i) in (45, 46, 95, 126)    -- - . _ ~
                    then pg_catalog.chr(pg_catalog.get_byte(b.bytes, i))
                    else '%' || pg_catalog.upper(pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.get_byte(b.bytes, i)), 2, '0'))
               end, '' order by i), '')
      from (select pg_catalog.convert_to(p_text, 'UTF8') as bytes) b,
           pg_catalog.generate_series(0, pg_catalog.length(b.bytes) - 1) i
$$;
