-- Running background jobs: one path for `dues jobs run`, the worker and psql.

-- The jobs: functions jobs.<name>(timestamptz) returning jsonb.
create function dues.job_list()
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

-- Runs jobs.<p_job>(p_now) and records the run in its schedule row, if it has one.
create function dues.job_run(p_job text, p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_result jsonb;
    v_started timestamptz := pg_catalog.clock_timestamp();
begin
    if not exists (select from dues.job_list() j where j.job = p_job) then
        raise exception 'no job named %', p_job
            using errcode = 'DU090',
                  hint = 'jobs: ' || coalesce((select pg_catalog.string_agg(j.job, ', ') from dues.job_list() j), 'none');
    end if;
    execute pg_catalog.format('select jobs.%I($1)', p_job) into v_result using coalesce(p_now, pg_catalog.now());
    update dues.job_schedule s
       set last_started_at = v_started, last_finished_at = pg_catalog.clock_timestamp(),
           last_result = v_result, last_error = null
     where s.job = p_job;
    return v_result;
end
$$;

-- Claims the scheduled jobs that are due, moving each one's next run past p_now;
-- a job another worker is claiming at the same moment is skipped.
create function dues.job_claim(p_now timestamptz)
returns setof text
language sql
set search_path = ''
as $$
    with due as (
        select s.job
          from dues.job_schedule s
         where s.enabled and s.next_run_at <= p_now
           and exists (select from dues.job_list() j where j.job = s.job)
         order by s.next_run_at, s.job
           for update skip locked
    )
    update dues.job_schedule s
       set next_run_at = s.next_run_at + s.every * (pg_catalog.floor(
               extract(epoch from p_now - s.next_run_at) / extract(epoch from s.every)) + 1)
      from due
     where s.job = due.job
    returning s.job
$$;

-- Records a run that failed (its own transaction was rolled back).
create function dues.job_failed(p_job text, p_error text, p_now timestamptz)
returns void
language sql
set search_path = ''
as $$
    update dues.job_schedule s
       set last_finished_at = p_now, last_error = pg_catalog.left(p_error, 2000)
     where s.job = p_job
$$;
