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
create trigger paypal_email_claim_forbid_delete before delete on dues.paypal_email_claim
    for each row execute function dues.forbid_delete();
create trigger paypal_email_claim_forbid_truncate before truncate on dues.paypal_email_claim
    for each statement execute function dues.forbid_delete();

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

-- the reply and the signature change: the old ones go
drop function api.member_paypal_email_set(bigint, text, text);
drop function api.ipn_reprocess(bigint);
drop function dues.ipn_process(bigint);
drop function dues.ipn_apply(dues.ipn_message);
