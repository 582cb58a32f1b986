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

create trigger access_log_forbid_delete before update or delete on dues.access_log
    for each row execute function dues.forbid_delete();
create trigger access_log_forbid_truncate before truncate on dues.access_log
    for each statement execute function dues.forbid_delete();
create trigger badge_forbid_delete before delete on dues.badge
    for each row execute function dues.forbid_delete();
create trigger access_grant_forbid_delete before delete on dues.access_grant
    for each row execute function dues.forbid_delete();
create trigger certification_forbid_delete before delete on dues.certification
    for each row execute function dues.forbid_delete();
create trigger item_forbid_delete before delete on dues.item
    for each row execute function dues.forbid_delete();
create trigger device_forbid_delete before delete on dues.device
    for each row execute function dues.forbid_delete();

create trigger badge_audit after insert or update or delete on dues.badge
    for each row execute function dues.audit_row();
create trigger access_grant_audit after insert or update or delete on dues.access_grant
    for each row execute function dues.audit_row();
create trigger certification_audit after insert or update or delete on dues.certification
    for each row execute function dues.audit_row();

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
