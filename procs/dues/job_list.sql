-- The jobs: functions jobs.<name>(timestamptz) returning jsonb.
create or replace function dues.job_list()
returns table (job text, scheduled boolean, every interval, next_run_at timestamptz, last_finished_at timestamptz, last_error text)
language sql
stable
set search_path = ''
as $$
    select p.proname::text, s.job is not null, s.every, s.next_run_at, s.last_finished_at, s.last_error
      from pg_catalog.pg_proc p
      left join dues.job_schedule s on s.job = p.proname
     where p.pronamespace = 'jobs'::regnamespace
       and p.pronargs = 1 and p.proargtypes[0] = 'timestamptz'::regtype
       and p.prorettype = 'jsonb'::regtype
     order by 1
$$;
