-- True when a function has exactly the given argument types and return type and lives in one of the schemas.
create or replace function dues.function_has_signature(p_function regproc, p_schemas text[], p_args regtype[], p_returns regtype)
returns boolean
language sql
stable
set search_path = ''
as $$
    select coalesce(n.nspname = any (p_schemas)
                    and array(select pg_catalog.unnest(p.proargtypes::oid[]))::regtype[] = p_args  -- unnest drops oidvector's zero lower bound
                    and p.prorettype = p_returns
                    and not p.proretset, false)
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where p.oid = p_function
$$;
