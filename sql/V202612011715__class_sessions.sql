-- Sessions used: a class's sessions (api.class_session_create) and who attended them with which subscription
-- (api.class_attendance_record, api.class_attendance_list). A pack of sessions (rule per_session) ends when its sessions
-- are used, and only its unused sessions are refunded (dues.class_subscription_unused).

create table dues.class_session (
    id         bigint generated always as identity primary key,
    class_id   bigint      not null references dues.class,
    starts_at  timestamptz not null,
    created_at timestamptz not null default now(),
    created_by text        not null default dues.actor(),
    constraint class_session_starts_key unique (class_id, starts_at)
);
comment on table dues.class_session is 'Sessions of a class (a lesson, a workshop evening): when each starts.';

create table dues.class_attendance (
    id                    bigint generated always as identity primary key,
    class_session_id      bigint      not null references dues.class_session,
    class_subscription_id bigint      not null references dues.class_subscription,
    member_id             bigint      not null references dues.member,
    recorded_at           timestamptz not null default now(),
    recorded_by           text        not null default dues.actor(),
    constraint class_attendance_member_key unique (class_session_id, member_id)
);
comment on table dues.class_attendance is
    'Who attended a class session, and with which class subscription (a pack of sessions counts it as used); once per '
    'member and session.';
create index class_attendance_subscription_idx on dues.class_attendance (class_subscription_id);
create index class_attendance_member_idx on dues.class_attendance (member_id);

-- An attendance as api.class_attendance_list answers it.
create type dues.class_attendance_view as (
    class_attendance_id   bigint,
    class_session_id      bigint,
    starts_at             timestamptz,
    class_subscription_id bigint,
    member_id             bigint,
    name                  text,
    sessions_left         int,
    recorded_at           timestamptz,
    recorded_by           text
);

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU70A', 404, 'class session not found'),
    ('DU70B', 409, 'session of another class'),
    ('DU70C', 409, 'attendance recorded already'),
    ('DU70D', 409, 'sessions used up'),
    ('DU70E', 409, 'subscription does not cover the session''s day'),
    ('DU70F', 409, 'class has a session at that time already');
