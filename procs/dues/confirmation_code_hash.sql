-- The SHA-256 (hex) of a code as a person may type it: case, spaces and dashes do not matter.
create or replace function dues.confirmation_code_hash(p_code text)
returns text
language sql
immutable
set search_path = ''
as $$
    select pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
               pg_catalog.upper(pg_catalog.regexp_replace(coalesce(p_code, ''), '[^A-Za-z0-9]', '', 'g')), 'UTF8')), 'hex')
$$;
