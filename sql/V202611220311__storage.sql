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

create trigger storage_slot_type_forbid_delete before delete on dues.storage_slot_type
    for each row execute function dues.forbid_delete();
create trigger storage_slot_forbid_delete before delete on dues.storage_slot
    for each row execute function dues.forbid_delete();
create trigger storage_assignment_forbid_delete before delete on dues.storage_assignment
    for each row execute function dues.forbid_delete();
create trigger storage_renewal_forbid_delete before delete on dues.storage_renewal
    for each row execute function dues.forbid_delete();
create trigger storage_assignment_forbid_truncate before truncate on dues.storage_assignment
    for each statement execute function dues.forbid_delete();
create trigger storage_renewal_forbid_truncate before truncate on dues.storage_renewal
    for each statement execute function dues.forbid_delete();

create trigger storage_assignment_audit after insert or update or delete on dues.storage_assignment
    for each row execute function dues.audit_row();

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
