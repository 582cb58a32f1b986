-- Tests of the project's conventions over the catalog: documented, pinned, definer api functions and known error codes.

create or replace function tests.test_conventions__every_api_function_has_a_comment()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select p.oid::regprocedure::text
             from pg_catalog.pg_proc p
            where p.pronamespace = 'api'::regnamespace
              and coalesce(btrim(obj_description(p.oid, 'pg_proc')), '') = ''$q$,
        'every api function has a COMMENT (its HTTP documentation)');
end
$$;

create or replace function tests.test_conventions__api_functions_are_security_definer()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select p.oid::regprocedure::text
             from pg_catalog.pg_proc p
            where p.pronamespace = 'api'::regnamespace and not p.prosecdef$q$,
        'every api function runs as its owner (security definer)');
end
$$;

create or replace function tests.test_conventions__every_function_pins_an_empty_search_path()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select p.oid::regprocedure::text
             from pg_catalog.pg_proc p
            where p.pronamespace in ('dues'::regnamespace, 'api'::regnamespace, 'rules'::regnamespace)
              and not coalesce('search_path=""' = any (p.proconfig), false)$q$,
        'every function of dues, api and rules has set search_path = ''''');
end
$$;

create or replace function tests.test_conventions__every_raised_code_is_in_error_code()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select distinct m[1]
             from pg_catalog.pg_proc p,
                  regexp_matches(p.prosrc, 'errcode\s*=\s*''(DU[0-9A-Z]{3})''', 'g') m
            where p.pronamespace in ('dues'::regnamespace, 'api'::regnamespace, 'rules'::regnamespace)
           except
           select sqlstate from dues.error_code$q$,
        'every DU code a function raises has its row (and HTTP status) in dues.error_code');
end
$$;

create or replace function tests.test_conventions__staff_may_call_every_api_function()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select p.oid::regprocedure::text
             from pg_catalog.pg_proc p
            where p.pronamespace = 'api'::regnamespace
              and not has_function_privilege('dues_staff', p.oid, 'execute')$q$,
        'role dues_staff may execute every api function');
end
$$;
