-- Baseline: doors and tools (items, devices, badges, grants, certifications, access log) and storage slots.

-- Doors and tools: items, the devices at them (each with its secret key),
-- badges, grants (group -> item), certifications (member -> machine), the
-- nonces devices used, and the log of every access decision.

-- hmac() for the devices' signatures, gen_random_bytes() for their keys
create extension if not exists pgcrypto with schema public;

-- A door, a machine or a tool whose access a device asks about.
create table dues.item (
    id                     bigint generated always as identity primary key,
    name                   text        not null unique check (name ~ '^[a-z][a-z0-9_]*$'),
    title                  text        not null check (btrim(title) <> ''),
    kind                   text        not null check (kind in ('door', 'machine', 'tool', 'other')),
    requires_certification boolean     not null default false,
    active                 boolean     not null default true,
    created_at             timestamptz not null default now(),
    created_by             text        not null default dues.actor()
);
comment on table dues.item is
    'Doors, machines and tools. name is what devices send; requires_certification: only certified members may use it.';

-- A controller at a door or machine; it signs its requests with its secret key.
create table dues.device (
    id          bigint generated always as identity primary key,
    name        text        not null unique check (name ~ '^[a-z][a-z0-9_-]*$'),
    secret_key  text        not null check (length(secret_key) >= 16),
    active      boolean     not null default true,
    created_at  timestamptz not null default now(),
    created_by  text        not null default dues.actor()
);
comment on table dues.device is
    'Devices (door and machine controllers). A request is signed with HMAC-SHA256 keyed with the UTF-8 bytes of secret_key; '
    'the key is kept in clear because checking the signature needs it.';

-- A badge number a member carries; a revoked badge is kept.
create table dues.badge (
    id         bigint generated always as identity primary key,
    number     text        not null check (number ~ '^\S{1,64}$'),
    member_id  bigint      not null references dues.member,
    issued_at  timestamptz not null default now(),
    issued_by  text        not null default dues.actor(),
    revoked_at timestamptz,
    revoked_by text,
    check ((revoked_at is null) = (revoked_by is null))
);
comment on table dues.badge is 'Badges (RFID cards, fobs): number -> member. One active badge per number; revoked ones are history.';
create unique index badge_active_key on dues.badge (number) where revoked_at is null;
create index badge_member_idx on dues.badge (member_id);

-- Members of a group may use an item.
create table dues.access_grant (
    id         bigint generated always as identity primary key,
    group_id   bigint      not null references dues."group",
    item_id    bigint      not null references dues.item,
    granted_at timestamptz not null default now(),
    granted_by text        not null default dues.actor(),
    revoked_at timestamptz,
    revoked_by text,
    check ((revoked_at is null) = (revoked_by is null))
);
comment on table dues.access_grant is 'Grants: the members of a group may use an item. Revoked grants are history.';
create unique index access_grant_active_key on dues.access_grant (group_id, item_id) where revoked_at is null;
create index access_grant_item_idx on dues.access_grant (item_id) where revoked_at is null;

-- A member trained on a machine, by whom and when.
create table dues.certification (
    id           bigint generated always as identity primary key,
    member_id    bigint      not null references dues.member,
    item_id      bigint      not null references dues.item,
    certified_by bigint references dues.member,
    certified_at timestamptz not null default now(),
    note         text,
    recorded_by  text        not null default dues.actor(),
    revoked_at   timestamptz,
    revoked_by   text,
    check ((revoked_at is null) = (revoked_by is null)),
    check (certified_by is distinct from member_id)
);
comment on table dues.certification is
    'Certifications: a member may use a machine that requires one; certified_by is the member who trained it. Revoked ones are history.';
create unique index certification_active_key on dues.certification (member_id, item_id) where revoked_at is null;

-- The nonces each device has used: a request is accepted once.
create table dues.access_nonce (
    device_id bigint      not null references dues.device,
    nonce     text        not null,
    used_at   timestamptz not null,
    primary key (device_id, nonce)
);
comment on table dues.access_nonce is
    'Nonces of access checks, per device: a reused nonce is refused. jobs.cleanup forgets those older than access_nonce_retention_days.';
create index access_nonce_used_idx on dues.access_nonce (used_at);

-- Every access decision.
create table dues.access_log (
    id        bigint generated always as identity primary key,
    at        timestamptz not null,
    device_id bigint      not null references dues.device,
    item_id   bigint references dues.item,
    item      text        not null,
    badge     text        not null,
    member_id bigint references dues.member,
    granted   boolean     not null,
    reason    text        not null
);
comment on table dues.access_log is
    'Every access decision: when, which device asked for which item (item: as the device named it) and badge, the member when the '
    'badge is known, granted or not, and the reason (granted, unknown_item, item_disabled, unknown_badge, badge_revoked, no_grant, '
    'not_certified).';
create index access_log_at_idx on dues.access_log (at);
create index access_log_member_idx on dues.access_log (member_id, at);
create index access_log_item_idx on dues.access_log (item_id, at);

insert into dues.setting (name, value) values
    ('access_nonce_retention_days', '400')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU120', 401, 'access check signature not valid'),
    ('DU121', 409, 'access check nonce already used'),
    ('DU122', 404, 'item not found'),
    ('DU123', 404, 'device not found'),
    ('DU124', 409, 'badge number already in use'),
    ('DU125', 404, 'badge not found'),
    ('DU126', 404, 'certification or grant not found'),
    ('DU127', 400, 'malformed access check request');

-- Storage slots: slot types with a default term, slots, their assignment to
-- members (with one reminder before expiry), renewal requests an admin
-- accepts or rejects, and the flag on slots of members who left.

create table dues.storage_slot_type (
    id              bigint generated always as identity primary key,
    name            text        not null unique check (name ~ '^[a-z][a-z0-9_]*$'),
    title           text        not null check (btrim(title) <> ''),
    default_term    interval    not null check (default_term > interval '0'),
    reminder_before interval    not null default '14 days' check (reminder_before >= interval '0'),
    created_at      timestamptz not null default now(),
    created_by      text        not null default dues.actor()
);
comment on table dues.storage_slot_type is
    'Kinds of storage (a shelf, a locker, a pallet spot): how long an assignment lasts (default_term) and how long before it expires its '
    'member is reminded (reminder_before).';

create table dues.storage_slot (
    id         bigint generated always as identity primary key,
    type_id    bigint      not null references dues.storage_slot_type,
    label      text        not null unique check (btrim(label) <> ''),
    location   text,
    created_at timestamptz not null default now(),
    created_by text        not null default dues.actor()
);
comment on table dues.storage_slot is 'Storage slots, each of a type, labelled as on the shelf.';

-- A slot given to a member from starts_on until expires_on (inclusive); ended_on when it was given back.
create table dues.storage_assignment (
    id           bigint generated always as identity primary key,
    slot_id      bigint      not null references dues.storage_slot,
    member_id    bigint      not null references dues.member,
    starts_on    date        not null,
    expires_on   date        not null,
    reminded_for date,
    ended_on     date,
    ended_by     text,
    end_reason   text,
    flagged_on   date,
    flag_reason  text,
    created_at   timestamptz not null default now(),
    created_by   text        not null default dues.actor(),
    check (expires_on >= starts_on),
    check (ended_on is null or ended_on >= starts_on),
    check ((ended_on is null) = (ended_by is null)),
    check ((flagged_on is null) = (flag_reason is null))
);
comment on table dues.storage_assignment is
    'Assignments of slots to members: starts_on to expires_on (inclusive), extended by accepted renewals. reminded_for: the expiry the '
    'member was reminded of (one reminder per expiry). flagged_on: the member left (is no longer in group members). ended_on: given back.';
comment on column dues.storage_assignment.member_id is 'The member holding the slot.';
create unique index storage_assignment_current_key on dues.storage_assignment (slot_id) where ended_on is null;
create index storage_assignment_member_idx on dues.storage_assignment (member_id);

create table dues.storage_renewal (
    id             bigint generated always as identity primary key,
    assignment_id  bigint      not null references dues.storage_assignment,
    requested_at   timestamptz not null default now(),
    requested_by   text        not null default dues.actor(),
    note           text,
    decision       text check (decision in ('accepted', 'rejected')),
    decided_at     timestamptz,
    decided_by     text,
    decision_note  text,
    new_expires_on date,
    check ((decision is null) = (decided_at is null) and (decided_at is null) = (decided_by is null)),
    check ((decision = 'accepted') = (new_expires_on is not null))
);
comment on table dues.storage_renewal is
    'Requests to renew a storage assignment: open until an admin accepts (the assignment is extended to new_expires_on) or rejects it.';
create unique index storage_renewal_open_key on dues.storage_renewal (assignment_id) where decided_at is null;

insert into dues.message_template (name, kind, subject, body_text) values
    ('storage_reminder', 'email', 'Your storage slot {{slot}} expires on {{expires_on}}',
     E'Dear {{name}},\n\nyour storage slot {{slot}} ({{location}}) expires on {{expires_on}}. Ask for a renewal, or empty it by then.\n'),
    ('storage_renewal_decided', 'email', 'Your storage renewal for {{slot}} was {{decision}}',
     E'Dear {{name}},\n\nyour request to renew storage slot {{slot}} was {{decision}}. It now expires on {{expires_on}}.\n{{note}}\n')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU130', 404, 'storage slot type not found'),
    ('DU131', 404, 'storage slot not found'),
    ('DU132', 409, 'storage slot assigned already, or not assigned'),
    ('DU133', 404, 'storage renewal request not found'),
    ('DU134', 409, 'storage renewal request decided already');

-- Storage slots: the api (types, slots, assignment, renewals) and jobs.storage_remind.

-- What the api shows of an assignment.
create type dues.storage_view as (
    slot_id         bigint,
    label           text,
    type            text,
    location        text,
    assignment_id   bigint,
    member_id       bigint,
    member_name     text,
    starts_on       date,
    expires_on      date,
    reminded_for    date,
    flagged_on      date,
    flag_reason     text,
    open_renewal_id bigint
);
