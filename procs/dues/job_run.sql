-- Runs jobs.<p_job>(p_now) and records the run in its schedule row, if it has one.
create or replace function dues.job_run(p_job text, p_now timestamptz)
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
