-- Sets when the worker runs a job: every interval or at the times of a cron expression, enabled or not.
create or replace function api.job_schedule_set(job text, cron_or_interval text default null, enabled boolean default null,
                                                next_run_at timestamptz default null, why text default null)
returns dues.job_schedule
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_row      dues.job_schedule;
    v_text     text := nullif(pg_catalog.btrim(job_schedule_set.cron_or_interval), '');
    v_cron     text;
    v_every    interval;
    v_next     timestamptz;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('job', job_schedule_set.job is null);
    if not exists (select from dues.job_list() j where j.job = job_schedule_set.job) then
        raise exception 'no job named %', job_schedule_set.job
            using errcode = 'DU090',
                  hint = 'jobs: ' || coalesce((select pg_catalog.string_agg(j.job, ', ') from dues.job_list() j), 'none');
    end if;
    select s.* into v_row from dues.job_schedule s where s.job = job_schedule_set.job for update;
    perform dues.require_argument('cron_or_interval', v_text is null and v_row.job is null);

    if v_text is null then
        v_cron := v_row.cron;
        v_every := v_row.every;
        v_next := v_row.next_run_at;
    else
        begin
            v_every := v_text::interval;
        exception when data_exception then
            v_every := null;
        end;
        if v_every is null then
            -- not an interval: a cron expression (its fields are checked by dues.cron_next), or neither
            if v_text !~ '^@[a-z]+$' and pg_catalog.cardinality(pg_catalog.regexp_split_to_array(v_text, '\s+')) <> 5 then
                raise exception '"%" is neither an interval (1 day, 15 minutes) nor a cron expression (0 3 * * *)', v_text
                    using errcode = 'DU30J',
                          hint = 'a cron expression has five fields: minute hour day-of-month month day-of-week';
            end if;
            v_cron := v_text;
            v_next := dues.cron_next(v_cron, pg_catalog.now());
        else
            if v_every < interval '1 minute' or v_every > interval '10 years' then
                raise exception 'a job runs every minute at most often and every 10 years at least, not every %', v_every
                    using errcode = 'DU30J';
            end if;
            -- the next run stays when it comes within one interval; else the first run is one interval from now
            v_next := case when v_row.every is not null and v_row.next_run_at <= pg_catalog.now() + v_every then v_row.next_run_at
                           else pg_catalog.now() + v_every end;
        end if;
    end if;
    v_next := coalesce(job_schedule_set.next_run_at, v_next);

    perform dues.audit_why(job_schedule_set.why);
    insert into dues.job_schedule as s (job, every, cron, next_run_at, enabled)
    values (job_schedule_set.job, v_every, v_cron, v_next, coalesce(job_schedule_set.enabled, v_row.enabled, true))
    on conflict on constraint job_schedule_pkey do update
       set every = excluded.every, cron = excluded.cron, next_run_at = excluded.next_run_at, enabled = excluded.enabled
    returning s.* into v_row;
    perform dues.audit_why(null);
    return v_row;
end
$$;

comment on function api.job_schedule_set(text, text, boolean, timestamptz, text) is
$$Sets when the worker (dues worker) runs a job: cron_or_interval is an interval ("1 day", "15 minutes": the job runs every that
long, keeping its time of day; from 1 minute to 10 years) or a cron expression ("0 3 * * *": minute hour day-of-month month
day-of-week, in setting local_timezone; names like mon-fri and jan, lists, ranges and /steps; or @hourly, @daily, @weekly,
@monthly, @yearly). Left out, the job keeps its schedule (a job without one needs it). enabled false stops it, true starts it again
(left out: unchanged; a new schedule is enabled). next_run_at sets its next run; by default a cron's next time, or for an interval
the next run it had when that comes within one interval, else one interval from now. Recorded in the audit log with why. Returns the
schedule (job, every, cron, next_run_at, enabled, last run). Staff only.
Errors: DU014 job is null, or cron_or_interval for a job without a schedule, DU090 unknown job, DU30J neither an interval nor a
cron expression (or one naming no time), 42501 not staff.$$;

grant execute on function api.job_schedule_set(text, text, boolean, timestamptz, text) to dues_staff;
