-- The address of the client of the HTTP request being served (dues serve sets dues.client_address with each call: the
-- peer, or with --trusted-proxy the last hop of X-Forwarded-For); null from psql, dues call and the jobs.
create or replace function dues.client_address()
returns text
language sql
stable
set search_path = ''
as $$
    select nullif(pg_catalog.current_setting('dues.client_address', true), '')
$$;
