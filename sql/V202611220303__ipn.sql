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

-- the raw message is never deleted; nothing but the columns processing owns changes
create trigger ipn_message_forbid_delete before delete on dues.ipn_message
    for each row execute function dues.forbid_delete();
create trigger ipn_message_forbid_truncate before truncate on dues.ipn_message
    for each statement execute function dues.forbid_delete();

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
create trigger ipn_log_forbid_delete before update or delete on dues.ipn_log
    for each row execute function dues.forbid_delete();
create trigger ipn_log_forbid_truncate before truncate on dues.ipn_log
    for each statement execute function dues.forbid_delete();

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
