-- Who is acting: the dues.actor setting when the caller set one, else the database user who logged in
-- (session_user: inside a security definer function current_user is the function's owner).
create or replace function dues.actor()
returns text
language sql
stable
set search_path = ''
as $$
    select coalesce(nullif(pg_catalog.current_setting('dues.actor', true), ''), session_user::text)
$$;
