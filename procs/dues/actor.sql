-- Who is acting: the dues.actor setting when the caller set one, else the database user who logged in
-- (session_user: inside a security definer function current_user is the function's owner).
-- PL/pgSQL, not SQL: a column default of the ledger and the payments calls it on every row, and a SQL function with
-- its own search_path is planned again on each call.
create or replace function dues.actor()
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
    return coalesce(nullif(pg_catalog.current_setting('dues.actor', true), ''), session_user::text);
end
$$;
