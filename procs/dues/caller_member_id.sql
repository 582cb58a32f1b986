-- The member a request acts as, or null (staff, anonymous, or no request at all).
create or replace function dues.caller_member_id()
returns bigint
language sql
stable
set search_path = ''
as $$
    select nullif(pg_catalog.current_setting('dues.member_id', true), '')::bigint
$$;
