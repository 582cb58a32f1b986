-- Sets the reason recorded with the changes the rest of the transaction makes (null clears it).
create or replace function dues.audit_why(p_why text)
returns void
language plpgsql
set search_path = ''
as $$
begin
    perform pg_catalog.set_config('dues.why', coalesce(p_why, ''), true);
end
$$;
