-- Operations over the api: the outbox (outbox_list, outbox_retry), the collector's runs and errors, the jobs and their
-- schedule (job_list, job_schedule_set), tokens (token_list).
--
-- A job runs every interval (keeping its time of day) or at the times of a cron expression ("0 3 * * *", in setting
-- local_timezone); its row holds one or the other. dues.job_list answers both, so its result changes (procs/ makes it).

alter table dues.job_schedule
    add column cron text check (btrim(cron) <> ''),
    alter column every drop not null,
    add constraint job_schedule_one_schedule check ((every is null) <> (cron is null));
comment on column dues.job_schedule.cron is
    'A cron expression (minute hour day-of-month month day-of-week, or @hourly, @daily, @weekly, @monthly, @yearly) read in '
    'setting local_timezone: the job runs at those times. Null when it runs every interval (column every).';
comment on table dues.job_schedule is
    'The worker runs jobs.<job>(now) when next_run_at has come, then moves next_run_at on: by every (keeping its time of day), '
    'or to the next time of cron. Change it with api.job_schedule_set.';

drop function if exists dues.job_list();

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU30F', 404, 'outbox message not found'),
    ('DU30G', 409, 'outbox message is not dead'),
    ('DU30H', 404, 'collector run not found'),
    ('DU30J', 422, 'schedule not valid');

-- A message of the outbox as api.outbox_list shows it: without its data (it may hold a confirmation code).
create type dues.outbox_view as (
    id           bigint,
    kind         text,
    template     text,
    recipient    text,
    state        text,
    attempts     int,
    max_attempts int,
    due_at       timestamptz,
    sent_at      timestamptz,
    last_error   text,
    created_at   timestamptz
);

-- A token as api.token_list shows it: never its hash.
create type dues.token_view as (
    id         bigint,
    member_id  bigint,
    label      text,
    kind       text,
    created_at timestamptz,
    created_by text,
    expires_at timestamptz,
    revoked_at timestamptz,
    revoked_by text
);
