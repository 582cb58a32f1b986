-- When the worker runs each background job, and what the last run did.

create table dues.job_schedule (
    job              text primary key check (job ~ '^[a-z][a-z0-9_]*$'),
    every            interval    not null check (every > interval '0'),
    next_run_at      timestamptz not null default now(),
    enabled          boolean     not null default true,
    last_started_at  timestamptz,
    last_finished_at timestamptz,
    last_result      jsonb,
    last_error       text
);
comment on table dues.job_schedule is
    'The worker runs jobs.<job>(now) when next_run_at has come, then moves next_run_at on by every (keeping its time of day). Edit the rows to change the schedule.';

insert into dues.job_schedule (job, every, next_run_at) values
    ('collect',        interval '1 day',  date_trunc('day', now()) + interval '1 day 3 hours'),
    ('expire',         interval '1 day',  date_trunc('day', now()) + interval '1 day 4 hours'),
    ('storage_remind', interval '1 day',  date_trunc('day', now()) + interval '1 day 5 hours'),
    ('ipn_rematch',    interval '1 hour', date_trunc('hour', now()) + interval '1 hour'),
    ('cleanup',        interval '1 hour', date_trunc('hour', now()) + interval '1 hour 30 minutes');

insert into dues.setting (name, value) values
    ('paypal_verify_url', 'https://ipnpb.paypal.com/cgi-bin/webscr')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU090', 404, 'unknown job');
