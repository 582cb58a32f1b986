-- The hash a sign-in code is kept as: HMAC-SHA256 (hex) of the address (lower case) and the code as typed without spaces
-- or dashes, with the key of setting signin_code_key, so that the table alone does not give the codes away.
create or replace function dues.signin_code_hash(p_email text, p_code text)
returns text
language sql
stable
set search_path = ''
as $$
    select pg_catalog.encode(public.hmac(pg_catalog.lower(pg_catalog.btrim(coalesce(p_email, ''))) || ' '
                                         || pg_catalog.regexp_replace(coalesce(p_code, ''), '[[:space:]-]', '', 'g'),
                                         dues.setting_text('signin_code_key'), 'sha256'), 'hex')
$$;
