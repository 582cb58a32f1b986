-- Claims the scheduled jobs that are due, moving each one's next run past p_now (by its interval, keeping the time of
-- day, or to its cron expression's next time); a job another worker is claiming at the same moment is skipped.
create or replace function dues.job_claim(p_now timestamptz)
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
       set next_run_at = case
               when s.cron is not null then dues.cron_next(s.cron, p_now)
               else s.next_run_at + s.every * (pg_catalog.floor(
                        extract(epoch from p_now - s.next_run_at) / extract(epoch from s.every)) + 1) end
      from due
     where s.job = due.job
    returning s.job
$$;
