-- Whether the request is staff's. Outside a request (psql, migrations, jobs)
-- the database user operates dues and counts as staff.
create or replace function dues.caller_is_staff()
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
    return case
        when coalesce(pg_catalog.current_setting('dues.staff', true), '') = '' then true
        else pg_catalog.current_setting('dues.staff', true)::boolean
    end;
end
$$;
