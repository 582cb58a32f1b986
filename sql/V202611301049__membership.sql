-- Baseline: the membership: named groups, linked members, membership status, audit log, PayPal IPN.

-- The hackerspace's membership: named groups, linked members, PayPal e-mail,
-- membership dates and status rules (rows a DBA edits), and the audit log.

-- Named groups the procedures find by key (members, pending_payments, board);
-- class students groups have no key.
alter table dues."group"
    add column key text unique check (key ~ '^[a-z][a-z0-9_]*$'),
    add column linked_members_follow boolean not null default false;
comment on column dues."group".key is
    'Stable name the procedures and status rules use for a group (members, pending_payments, board); null for class students groups.';
comment on column dues."group".linked_members_follow is
    'When true, a member linked to a master enters and leaves this group with its master.';

insert into dues."group" (name, key, linked_members_follow) values
    ('Members', 'members', true),
    ('Waiting for a first payment', 'pending_payments', true),
    ('Board', 'board', false);

-- The address a member pays with at PayPal, when it is not the member's e-mail.
alter table dues.member
    add column paypal_email text check (paypal_email ~ '^[^@[:space:]]+@[^@[:space:]]+$');
comment on column dues.member.paypal_email is
    'The e-mail of the member''s PayPal account, when it differs from email; payment notifications are matched on email, then on this.';
create index member_paypal_email_idx on dues.member (lower(paypal_email)) where paypal_email is not null;

-- Linked members (a family, a household) follow their master's groups and
-- membership status. A link ends (unlinked_at) rather than being deleted.
create table dues.member_link (
    id          bigint generated always as identity primary key,
    member_id   bigint      not null references dues.member,
    master_id   bigint      not null references dues.member,
    linked_at   timestamptz not null default now(),
    linked_by   text        not null default dues.actor(),
    unlinked_at timestamptz,
    unlinked_by text,
    check (member_id <> master_id),
    check ((unlinked_at is null) = (unlinked_by is null))
);
comment on table dues.member_link is
    'Links of members to a master member (one level: a master is never linked itself); ended links are kept as history.';
create unique index member_link_active_key on dues.member_link (member_id) where unlinked_at is null;
create index member_link_master_idx on dues.member_link (master_id) where unlinked_at is null;

-- Who changed what, when and why: group memberships, badges, links, e-mails,
-- roles, storage slots and memberships (triggers attach to each table).
create table dues.audit_log (
    id         bigint generated always as identity primary key,
    at         timestamptz not null default now(),
    actor      text        not null default dues.actor(),
    table_name text        not null,
    row_id     bigint,
    member_id  bigint,
    action     text        not null check (action in ('insert', 'update', 'delete')),
    old        jsonb,
    new        jsonb,
    why        text
);
comment on table dues.audit_log is
    'Audit log: one row per change of an audited table, with the actor (dues.actor()), the row before and after, and the reason the api call gave.';
create index audit_log_member_idx on dues.audit_log (member_id, at) where member_id is not null;
create index audit_log_table_idx on dues.audit_log (table_name, row_id);

-- A member's membership of the organisation: the dates status rules start
-- and end on, the waiver, and the status the rules last gave it.
create table dues.membership (
    member_id      bigint primary key references dues.member,
    join_date      date        not null,
    start_date     date,
    end_date       date,
    waived         boolean     not null default false,
    status         text,
    status_rule_id bigint,
    status_anchor  date,
    status_since   timestamptz,
    created_at     timestamptz not null default now(),
    created_by     text        not null default dues.actor()
);
comment on table dues.membership is
    'Members of the organisation. join_date: when they asked to join; start_date: their first payment; end_date: when they resigned '
    '(their subscription ended). waived: dues waived by an admin, exempt from status rules. status: what the status rules last decided.';

-- A membership status rule (a row, not code): the status holds from start
-- event + start offset until end event + end offset (exclusive); of the
-- rules that hold on a day, the one of highest weight gives the status.
-- Entering it runs its actions once per anchor (the start event's date).
create table dues.membership_status_rule (
    id                bigint generated always as identity primary key,
    status            text        not null check (status ~ '^[a-z][a-z0-9_]*$'),
    description       text        not null default '',
    start_event       text        not null check (start_event in ('join_date', 'start_date', 'end_date', 'last_payment_date')),
    start_offset      interval    not null default '0 days',
    end_event         text check (end_event in ('join_date', 'start_date', 'end_date', 'last_payment_date')),
    end_offset        interval    not null default '0 days',
    weight            int         not null,
    is_membership     boolean     not null,
    reminder_template text references dues.message_template,
    add_groups        text[]      not null default '{}',
    remove_groups     text[]      not null default '{}',
    active            boolean     not null default true,
    created_at        timestamptz not null default now(),
    created_by        text        not null default dues.actor()
);
comment on table dues.membership_status_rule is
    'Membership status rules (docs/membership.md). A rule holds from start_event + start_offset until end_event + end_offset (exclusive; '
    'no end_event: open-ended; an event date a member lacks: the rule does not hold). The active rule of highest weight that holds gives '
    'the status. On entering it (once per start-event date): reminder_template is queued to the member, add_groups and remove_groups '
    '(group keys) are applied to the member and its linked members. is_membership: whether the status counts as being a member.';
create unique index membership_status_rule_weight_key on dues.membership_status_rule (weight) where active;
alter table dues.membership
    add foreign key (status_rule_id) references dues.membership_status_rule;

-- Every status a member entered; (member, rule, anchor) is unique: each entry, and its reminder, happens once.
create table dues.membership_status_change (
    id              bigint generated always as identity primary key,
    member_id       bigint      not null references dues.member,
    rule_id         bigint references dues.membership_status_rule,
    status          text,
    previous_status text,
    anchor_date     date,
    effective_at    timestamptz not null,
    actions_run     boolean     not null,
    recorded_at     timestamptz not null default now(),
    recorded_by     text        not null default dues.actor(),
    unique (member_id, rule_id, anchor_date)
);
comment on table dues.membership_status_change is
    'History of membership statuses: when (effective_at, the job''s now) a member entered which status, from which, and whether its '
    'actions ran (they run once per rule and anchor date).';

insert into dues.message_template (name, kind, subject, body_text) values
    ('welcome', 'email', 'Welcome, {{name}}',
     E'Dear {{name}},\n\nyour first payment has arrived: you are now a member. Welcome!\n'),
    ('chat_invite', 'webhook', '',
     '{"text": "New member {{name}} <{{email}}> paid their first dues: please invite them to the chat."}'),
    ('subscr_cancel_confirm', 'email', 'Did you mean to cancel your membership?',
     E'Dear {{name}},\n\nPayPal tells us you cancelled your subscription ({{subscr_id}}). If this was a mistake, '
     'please subscribe again; if not, thank you for having been a member. Your access stays until your paid time runs out.\n'),
    ('board_notice', 'email', '[board] {{subject}}',
     E'{{text}}\n\nMember: {{name}} <{{email}}> (member {{member_id}})\n'),
    ('payment_failed', 'email', 'Your membership payment did not go through',
     E'Dear {{name}},\n\nPayPal could not collect your membership payment ({{subscr_id}}). Please check your PayPal account.\n'),
    ('membership_reminder', 'email', 'Your membership dues are {{days}} days old',
     E'Dear {{name}},\n\nyour last payment was on {{last_payment_date}}, {{days}} days ago. Please renew your membership.\n')
on conflict do nothing;

-- The hackerspace's policy. A DBA changes it by editing these rows (docs/membership.md).
insert into dues.membership_status_rule
    (status, description, start_event, start_offset, end_event, end_offset, weight, is_membership,
     reminder_template, add_groups, remove_groups) values
    ('pending', 'joined, no payment yet', 'join_date', '0 days', null, '0 days', 10, false, null, '{}', '{}'),
    ('current', 'paid within the last 40 days', 'last_payment_date', '0 days', 'last_payment_date', '40 days', 20, true,
     null, '{members}', '{pending_payments}'),
    ('reminded_40', 'last payment 40 days ago: first reminder', 'last_payment_date', '40 days', 'last_payment_date', '60 days', 30, true,
     'membership_reminder', '{}', '{}'),
    ('reminded_60', 'last payment 60 days ago: second reminder', 'last_payment_date', '60 days', 'last_payment_date', '80 days', 40, true,
     'membership_reminder', '{}', '{}'),
    ('reminded_80', 'last payment 80 days ago: last reminder', 'last_payment_date', '80 days', 'last_payment_date', '90 days', 50, true,
     'membership_reminder', '{}', '{}'),
    ('expired', 'last payment 90 days ago: removed from members', 'last_payment_date', '90 days', null, '0 days', 60, false,
     null, '{}', '{members}'),
    ('left', 'resigned, and the paid time is over', 'end_date', '0 days', null, '0 days', 70, false,
     null, '{}', '{members}'),
    ('resigned', 'resigned, keeps access until 31 days after the last payment', 'end_date', '0 days', 'last_payment_date', '31 days', 80, true,
     null, '{}', '{}');

insert into dues.setting (name, value) values
    ('local_timezone', 'UTC'),
    ('board_email', '')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU110', 404, 'group not found'),
    ('DU111', 409, 'member link refused'),
    ('DU112', 422, 'invalid membership status rule'),
    ('DU113', 404, 'membership not found');

-- PayPal payment notifications (IPN): every message received, stored as-is
-- before anything else happens, then verified, matched and processed.

-- One message as PayPal posted it. The raw body and headers are never changed;
-- the other columns say what became of it.
create table dues.ipn_message (
    id               bigint generated always as identity primary key,
    body             bytea       not null,
    headers          jsonb       not null,
    received_at      timestamptz not null default clock_timestamp(),
    state            text        not null default 'received'
        check (state in ('received', 'unverified', 'invalid', 'rejected', 'unmatched', 'ambiguous', 'processed', 'failed')),
    verify_attempts  int         not null default 0,
    verify_due_at    timestamptz not null default now(),
    verify_error     text,
    verification     text check (verification in ('VERIFIED', 'INVALID')),
    verified_at      timestamptz,
    fields           jsonb,
    txn_type         text,
    txn_id           text,
    parent_txn_id    text,
    payment_status   text,
    payer_email      text,
    subscr_id        text,
    member_id        bigint references dues.member,
    payment_id       bigint references dues.payment,
    note             text,
    error            text,
    process_attempts int         not null default 0,
    processed_at     timestamptz
);
comment on table dues.ipn_message is
    'PayPal IPN messages, stored as received (body, headers, received_at) before anything else. state: received (not verified yet), '
    'unverified (the verification server did not answer; retried at verify_due_at), invalid (PayPal answered INVALID), rejected '
    '(receiver e-mail or currency not ours), unmatched (no member has the payer''s e-mail), ambiguous (several have it), processed, '
    'failed (processing raised: error). note says why or what processing did; fields are the decoded form fields.';

-- what a verifier may claim
create index ipn_message_verify_idx on dues.ipn_message (verify_due_at, id) where state in ('received', 'unverified');
-- what re-matching looks at
create index ipn_message_unmatched_idx on dues.ipn_message (lower(payer_email)) where state in ('unmatched', 'ambiguous');
create index ipn_message_state_idx on dues.ipn_message (state, id);
create index ipn_message_txn_idx on dues.ipn_message (txn_id);

-- What happened to a message, step by step: verification attempts, processing, re-matching.
create table dues.ipn_log (
    id         bigint generated always as identity primary key,
    message_id bigint      not null references dues.ipn_message,
    at         timestamptz not null default clock_timestamp(),
    actor      text        not null default dues.actor(),
    event      text        not null,
    state      text        not null,
    detail     text
);
comment on table dues.ipn_log is 'History of each IPN message: every verification attempt and processing, its resulting state and why.';
create index ipn_log_message_idx on dues.ipn_log (message_id, id);

insert into dues.setting (name, value) values
    ('paypal_receiver_email', 'payments@example.org'),
    ('paypal_currency', 'USD'),
    ('paypal_verify_lease_seconds', '120'),
    ('paypal_verify_backoff_seconds', '60'),
    ('paypal_verify_backoff_max_seconds', '21600'),
    ('chat_webhook_url', '')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU100', 404, 'payment notification not found'),
    ('DU101', 409, 'payment notification cannot be processed in its state');

-- Membership status: the rules (rows of dues.membership_status_rule) applied
-- to each member, their actions, jobs.expire, and the membership api.

-- What the api answers about a membership.
create type dues.membership_view as (
    member_id         bigint,
    status            text,
    is_membership     boolean,
    status_since      timestamptz,
    join_date         date,
    start_date        date,
    end_date          date,
    last_payment_date date,
    waived            boolean,
    master_id         bigint
);

-- PayPal IPN: receiving, claiming for verification, recording PayPal's answer,
-- and processing a verified message (matching the payer, then by type).

-- What processing decided about a message.
create type dues.ipn_outcome as (
    state      text,
    note       text,
    member_id  bigint,
    payment_id bigint
);

-- api.ipn_list, api.ipn_get, api.ipn_reprocess: what admins see of payment notifications, and re-processing one.

-- A message as admins list it (without its body).
create type dues.ipn_summary as (
    id               bigint,
    received_at      timestamptz,
    state            text,
    txn_type         text,
    txn_id           text,
    payment_status   text,
    payer_email      text,
    member_id        bigint,
    payment_id       bigint,
    verify_attempts  int,
    verify_error     text,
    note             text,
    error            text,
    processed_at     timestamptz
);

-- A message in full, as an admin reads it.
create type dues.ipn_detail as (
    id              bigint,
    received_at     timestamptz,
    state           text,
    body            text,
    headers         jsonb,
    fields          jsonb,
    verification    text,
    verified_at     timestamptz,
    verify_attempts int,
    verify_error    text,
    member_id       bigint,
    payment_id      bigint,
    note            text,
    error           text,
    processed_at    timestamptz,
    history         jsonb
);

-- A member's PayPal e-mail is set only after a code sent to the address confirms it, and only to an address no other
-- member has; the payment notifications that arrived before a member's own change wait for staff (state held), as do
-- refunds whose payer is not the payer of the payment they name.

-- when the member itself set its PayPal e-mail (confirmed by code): older notifications from it are never matched to
-- it without staff
alter table dues.member add column paypal_email_confirmed_at timestamptz;
comment on column dues.member.paypal_email_confirmed_at is
    'When the member itself set paypal_email, confirmed by a code sent to it: payment notifications received before this '
    'are never matched to the member by that address without staff (they are held). Null when staff set it.';

-- A member's request to use an address as its PayPal e-mail, confirmed by the code mailed to it.
create table dues.paypal_email_claim (
    id           bigint generated always as identity primary key,
    member_id    bigint      not null references dues.member,
    email        text        not null check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    code_hash    text check (code_hash ~ '^[0-9a-f]{64}$'),
    why          text,
    expires_at   timestamptz not null,
    confirmed_at timestamptz,
    ended_at     timestamptz,
    created_at   timestamptz not null default now(),
    created_by   text        not null default dues.actor(),
    check (confirmed_at is null or ended_at is null)
);
comment on table dues.paypal_email_claim is
    'Requests of members to use an address as their PayPal e-mail. The code mailed to the address is kept as its SHA-256 '
    '(code_hash); it is null when another member had the address (no code can confirm it; the address is told instead). '
    'confirmed_at: the address became the member''s; ended_at: a newer request or a change by staff replaced it.';
create index paypal_email_claim_member_idx on dues.paypal_email_claim (member_id, created_at);

-- What api.member_paypal_email_set and api.member_paypal_email_confirm answer.
create type dues.paypal_email_state as (
    member_id     bigint,
    paypal_email  text,
    pending_email text,
    pending_until timestamptz
);

-- held: a verified message that matched a member only through a PayPal e-mail the member set after the message
-- arrived, or a refund whose payer is not the payer of the payment: it waits for staff (api.ipn_reprocess)
alter table dues.ipn_message drop constraint ipn_message_state_check;
alter table dues.ipn_message add constraint ipn_message_state_check
    check (state in ('received', 'unverified', 'invalid', 'rejected', 'unmatched', 'ambiguous', 'held', 'processed', 'failed'));
comment on table dues.ipn_message is
    'PayPal IPN messages, stored as received (body, headers, received_at) before anything else. state: received (not verified yet), '
    'unverified (the verification server did not answer; retried at verify_due_at), invalid (PayPal answered INVALID), rejected '
    '(receiver e-mail or currency not ours), unmatched (no member has the payer''s e-mail), ambiguous (several have it), held '
    '(waits for staff: matched only through a PayPal e-mail its member set after it arrived, or a refund from another payer than '
    'the payment''s), processed, failed (processing raised: error). note says why or what processing did; fields are the decoded form fields.';

insert into dues.setting (name, value) values
    ('paypal_email_code_minutes', '60'),
    ('paypal_email_claims_per_day', '5')
on conflict do nothing;

insert into dues.message_template (name, kind, subject, body_text) values
    ('paypal_email_confirm', 'email', 'Your confirmation code: {{code}}',
     E'Hello,\n\n{{name}} (member {{member_id}}) asked to use this address as the e-mail of their PayPal account, so that '
     'payments from it are credited to them. To confirm, enter this code: {{code}}\n\nIt expires at {{expires_at}}. If you did '
     'not ask for this, ignore this mail: nothing changes without the code.\n'),
    ('paypal_email_in_use', 'email', 'Someone asked to use your address for their PayPal payments',
     E'Hello,\n\n{{name}} (member {{member_id}}) asked to use this address as the e-mail of their PayPal account. It is '
     'already the address of another member, so nothing changed. If you did not expect this, you may tell us.\n')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU114', 409, 'address already used by another member'),
    ('DU115', 422, 'confirmation code wrong or expired'),
    ('DU116', 429, 'too many confirmation requests');
