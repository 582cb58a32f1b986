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
            where p.pronamespace in ('dues'::regnamespace, 'api'::regnamespace, 'rules'::regnamespace, 'jobs'::regnamespace)
           except
           select sqlstate from dues.error_code$q$,
        'every DU code a function raises has its row (and HTTP status) in dues.error_code');
end
$$;

create or replace function tests.test_conventions__every_error_code_is_raised()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select e.sqlstate::text
             from dues.error_code e
           except
           select m[1]
             from pg_catalog.pg_proc p,
                  regexp_matches(p.prosrc, 'errcode\s*=\s*''(DU[0-9A-Z]{3})''', 'g') m
            where p.pronamespace in ('dues'::regnamespace, 'api'::regnamespace, 'rules'::regnamespace, 'jobs'::regnamespace)$q$,
        'every code of dues.error_code is raised by a function (a retired code leaves the table)');
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

create or replace function tests.test_conventions__no_function_name_is_overloaded()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select n.nspname || '.' || p.proname
             from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
            where n.nspname in ('api', 'rules', 'dues', 'jobs')
            group by n.nspname, p.proname
           having count(*) > 1$q$,
        'no two functions of api, rules, dues or jobs share a name (each is procs/<schema>/<name>.sql)');
end
$$;

create or replace function tests.test_conventions__no_function_is_executable_by_public()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select p.oid::regprocedure::text
             from pg_catalog.pg_proc p
            where p.pronamespace in ('api'::regnamespace, 'rules'::regnamespace, 'dues'::regnamespace, 'jobs'::regnamespace)
              and has_function_privilege('public', p.oid, 'execute')$q$,
        'no function of dues is executable by PUBLIC: api functions are granted to the request roles that may call them');
end
$$;

create or replace function tests.test_conventions__every_api_function_is_granted_to_a_request_role()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select p.oid::regprocedure::text
             from pg_catalog.pg_proc p
            where p.pronamespace = 'api'::regnamespace
              and not exists (select from pg_catalog.aclexplode(p.proacl) a
                               where a.grantee in ('dues_anonymous'::regrole, 'dues_member'::regrole, 'dues_staff'::regrole)
                                 and a.privilege_type = 'EXECUTE')$q$,
        'every api function is granted (in its procs/ file) to a request role');
end
$$;

create or replace function tests.test_conventions__today_is_the_sites_not_the_sessions()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select p.oid::regprocedure::text
             from pg_catalog.pg_proc p
            where p.pronamespace in ('api'::regnamespace, 'rules'::regnamespace, 'dues'::regnamespace, 'jobs'::regnamespace)
              and (p.prosrc || ' ' || coalesce(pg_catalog.pg_get_function_arguments(p.oid), ''))
                  ~* '\m(tests.fx_today()|localtimestamp|localtime)\M|now\(\)\s*::\s*date|current_timestamp\s*::\s*date'$q$,
        'no function of api, rules, dues or jobs takes today from the session (tests.fx_today()): '
        'defaults and bodies use dues.local_date(now()), the day in setting local_timezone');
end
$$;

create or replace function tests.test_conventions__defaults_are_executable_by_their_callers()
returns setof text
language plpgsql
as $$
begin
    -- a default runs with the caller's privileges, not the api function's owner's
    return next is_empty(
        $q$select p.oid::regprocedure::text || ' calls ' || f.oid::regprocedure::text || ' as ' || r.rolname
             from pg_catalog.pg_proc p
            cross join lateral regexp_matches(p.proargdefaults::text, ':funcid (\d+)', 'g') m
             join pg_catalog.pg_proc f on f.oid = m[1]::oid
            cross join (values ('dues_anonymous'), ('dues_member'), ('dues_staff')) r(rolname)
            where p.pronamespace = 'api'::regnamespace
              and has_function_privilege(r.rolname, p.oid, 'execute')
              and f.pronamespace <> 'pg_catalog'::regnamespace
              and not (has_function_privilege(r.rolname, f.oid, 'execute') and f.prosecdef)$q$,
        'every function an api argument default calls is security definer and executable by each role that may call the api function');
end
$$;
