-- The jobs: functions jobs.<name>(timestamptz) returning jsonb, with their schedule when they have one.
create or replace function dues.job_list()
returns table (job text, scheduled boolean, every interval, cron text, enabled boolean, next_run_at timestamptz,
               last_started_at timestamptz, last_finished_at timestamptz, last_result jsonb, last_error text)
language sql
stable
set search_path = ''
as $$
    select p.proname::text, s.job is not null, s.every, s.cron, s.enabled, s.next_run_at, s.last_started_at,
           s.last_finished_at, s.last_result, s.last_error
      from pg_catalog.pg_proc p
      left join dues.job_schedule s on s.job = p.proname
     where p.pronamespace = 'jobs'::regnamespace
       and p.pronargs = 1 and p.proargtypes[0] = 'timestamptz'::regtype
       and p.prorettype = 'jsonb'::regtype
     order by 1
$$;
