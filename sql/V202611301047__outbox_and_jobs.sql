-- Baseline: the outbox of e-mails and webhooks, and the schedule of background jobs.

-- The outbox: every outgoing e-mail and webhook is a row queued in the same
-- transaction as the change that caused it; `dues worker` delivers it.

-- Message templates a DBA may edit: {{key}} is replaced by the row's data.
create table dues.message_template (
    name       text primary key check (name ~ '^[a-z][a-z0-9_]*$'),
    kind       text not null check (kind in ('email', 'webhook')),
    subject    text not null default '',
    body_text  text not null default '',
    body_html  text,
    updated_at timestamptz not null default now(),
    updated_by text not null default dues.actor()
);
comment on table dues.message_template is
    'Templates of outgoing e-mail and webhooks; {{key}} placeholders are filled from the outbox row''s data (missing keys become empty).';

-- One message to deliver.
create table dues.outbox (
    id           bigint generated always as identity primary key,
    kind         text        not null check (kind in ('email', 'webhook')),
    template     text        not null references dues.message_template,
    recipient    text        not null check (btrim(recipient) <> ''),
    data         jsonb       not null default '{}' check (jsonb_typeof(data) = 'object'),
    state        text        not null default 'pending' check (state in ('pending', 'sending', 'sent', 'dead')),
    attempts     int         not null default 0,
    max_attempts int         not null default 8 check (max_attempts > 0),
    due_at       timestamptz not null default now(),
    locked_until timestamptz,
    locked_by    text,
    last_error   text,
    sent_at      timestamptz,
    created_at   timestamptz not null default now(),
    created_by   text        not null default dues.actor()
);
comment on table dues.outbox is
    'Outgoing e-mail and webhooks. pending -> sending (claimed with a lease) -> sent, or back to pending with backoff, or dead after max_attempts. A sent row is never sent again.';

-- what a worker may claim: pending rows that are due, and sending rows whose lease ran out
create index outbox_claimable_idx on dues.outbox (due_at, id) where state in ('pending', 'sending');

insert into dues.setting (name, value) values
    ('outbox_lease_seconds', '120'),
    ('outbox_backoff_seconds', '30'),
    ('mail_from', 'dues <dues@localhost>')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU080', 422, 'unknown message template or wrong kind'),
    ('DU081', 409, 'outbox row is not being sent by this worker');

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

-- jobs.cleanup: forgets what is only kept for a while (answers to idempotent requests, devices' old nonces).

insert into dues.setting (name, value) values
    ('idempotency_retention_hours', '24')
on conflict do nothing;
