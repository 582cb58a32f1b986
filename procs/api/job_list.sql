-- The background jobs with their schedules and last runs.
create or replace function api.job_list()
returns table (job text, scheduled boolean, every interval, cron text, enabled boolean, next_run_at timestamptz,
               last_started_at timestamptz, last_finished_at timestamptz, last_result jsonb, last_error text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return query select j.* from dues.job_list() j;
end
$$;

comment on function api.job_list() is
$$Lists the background jobs (the functions of schema jobs), by name: scheduled (whether the worker runs it), every (the interval it
runs at, keeping its time of day) or cron (the cron expression it runs at, in setting local_timezone), enabled, next_run_at, and its
last run: started and finished at, its result (a summary) or its error. Change a schedule with job_schedule_set. Staff only.
Errors: 42501 not staff.$$;

grant execute on function api.job_list() to dues_staff;
