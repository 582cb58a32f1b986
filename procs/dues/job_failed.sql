-- Records a run that failed (its own transaction was rolled back).
create or replace function dues.job_failed(p_job text, p_error text, p_now timestamptz)
returns void
language sql
set search_path = ''
as $$
    update dues.job_schedule s
       set last_finished_at = p_now, last_error = pg_catalog.left(p_error, 2000)
     where s.job = p_job
$$;
