-- The hex HMAC-SHA256 of a text (its UTF-8 bytes) keyed with a device's secret key (its UTF-8 bytes).
create or replace function dues.access_signature(p_body text, p_secret_key text)
returns text
language sql
immutable
set search_path = ''
as $$
    select pg_catalog.encode(public.hmac(pg_catalog.convert_to(p_body, 'UTF8'), pg_catalog.convert_to(p_secret_key, 'UTF8'), 'sha256'), 'hex')
$$;
