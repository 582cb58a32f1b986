-- Payments from Stripe, GoCardless and PayPal webhooks (PayPal's REST notifications, beside IPN): every delivery is
-- stored as received and committed before it is answered, then verified (by dues serve, again by dues worker while it
-- cannot be), and the events it carries are kept once per provider event id and processed in SQL. A member is found by
-- the provider's ids stored on it (dues.member_provider_ref), then by e-mail, never guessed.

insert into dues.payment_method (name, title) values
    ('stripe', 'Stripe'),
    ('gocardless', 'GoCardless')
on conflict do nothing;

-- their processor accounts up front, as for the other methods, so that payments never race to create them
insert into dues.ledger_account (name, currency, allow_negative, payment_method)
select 'processor ' || m.name || ' ' || c.code, c.code, true, m.name
  from dues.payment_method m
 cross join dues.currency c
 where m.name in ('stripe', 'gocardless')
 order by m.name, c.code
on conflict do nothing;

-- Deliveries and events share one sequence of ids, so that an id names one webhook (api.webhook_get, webhook_reprocess).
create sequence dues.webhook_id_seq;

-- One delivery (one HTTP request) as the provider posted it. body, headers, sender and received_at are never changed.
create table dues.webhook_message (
    id              bigint      primary key default nextval('dues.webhook_id_seq'),
    provider        text        not null check (provider in ('stripe', 'gocardless', 'paypal')),
    body            bytea       not null,
    headers         jsonb       not null,
    sender          text,
    received_at     timestamptz not null default clock_timestamp(),
    state           text        not null default 'received'
        check (state in ('received', 'unverified', 'invalid', 'malformed', 'verified')),
    verify_attempts int         not null default 0,
    verify_due_at   timestamptz not null default now(),
    verify_error    text,
    verified_at     timestamptz,
    note            text
);
alter sequence dues.webhook_id_seq owned by dues.webhook_message.id;
comment on table dues.webhook_message is
    'Webhook deliveries of Stripe, GoCardless and PayPal (REST), stored as received (body, headers, sender, received_at) before '
    'they are answered. state: received (not verified yet), unverified (could not be verified: its secret setting is unset, the '
    'certificate could not be fetched; retried at verify_due_at), invalid (the signature is wrong: no effect), malformed (signed, '
    'but no event could be read from it), verified (its events are in dues.webhook_event). note says why.';
create index webhook_message_verify_idx on dues.webhook_message (verify_due_at, id) where state in ('received', 'unverified');
create index webhook_message_state_idx on dues.webhook_message (state, id);

-- One event, once per provider event id, from the first verified delivery that carried it.
create table dues.webhook_event (
    id               bigint      primary key default nextval('dues.webhook_id_seq'),
    provider         text        not null check (provider in ('stripe', 'gocardless', 'paypal')),
    event_id         text        not null check (btrim(event_id) <> ''),
    event_type       text        not null,
    message_id       bigint      not null references dues.webhook_message,
    data             jsonb       not null,
    deliveries       int         not null default 1,
    state            text        not null default 'received'
        check (state in ('received', 'waiting', 'unmatched', 'ambiguous', 'held', 'processed', 'ignored', 'failed')),
    refs             text[]      not null default '{}',
    payer_email      text,
    waiting_for      text,
    member_id        bigint      references dues.member,
    payment_id       bigint      references dues.payment,
    note             text,
    error            text,
    process_attempts int         not null default 0,
    received_at      timestamptz not null default clock_timestamp(),
    processed_at     timestamptz,
    constraint webhook_event_key unique (provider, event_id)
);
comment on table dues.webhook_event is
    'Events of verified webhook deliveries, one row per (provider, event_id): a delivery of an event already here changes '
    'nothing (deliveries counts them). state: waiting (for a resource from the provider''s API: waiting_for), unmatched (no '
    'member has the payer''s provider id or e-mail, or the payment it refunds is not registered yet), ambiguous (several '
    'members have it; never guessed), held (its payer''s e-mail became a member''s by the member''s own change after the '
    'event arrived: staff decides), processed, ignored (a type dues does not handle: recorded, no effect), failed '
    '(processing raised: error). received_at is when its first delivery arrived. refs and payer_email are what matching looked for (the provider''s customer, mandate or '
    'subscription ids, the e-mail), kept so that a new member or a new provider id matches it again.';
create index webhook_event_state_idx on dues.webhook_event (state, id);
create index webhook_event_unmatched_email_idx on dues.webhook_event (lower(payer_email)) where state in ('unmatched', 'ambiguous');
create index webhook_event_unmatched_refs_idx on dues.webhook_event using gin (refs) where state in ('unmatched', 'ambiguous');
create index webhook_event_waiting_idx on dues.webhook_event (provider, waiting_for) where state = 'waiting';
create index webhook_event_message_idx on dues.webhook_event (message_id);

-- What happened to a delivery or an event, step by step.
create table dues.webhook_log (
    id         bigint      generated always as identity primary key,
    webhook_id bigint      not null,
    at         timestamptz not null default clock_timestamp(),
    actor      text        not null default dues.actor(),
    event      text        not null,
    state      text        not null,
    detail     text
);
comment on table dues.webhook_log is
    'History of each webhook delivery and event (webhook_id is the id of either): verification attempts, processing, '
    're-matching, deliveries of an event already received.';
create index webhook_log_webhook_idx on dues.webhook_log (webhook_id, id);

-- A provider's id for a member: a Stripe customer or subscription, a GoCardless customer, mandate or subscription, a
-- PayPal subscription. Set by staff (api.member_provider_ref_add) or learned from an event matched by e-mail or
-- assigned by staff. Ended, never deleted.
create table dues.member_provider_ref (
    id         bigint      generated always as identity primary key,
    member_id  bigint      not null references dues.member,
    provider   text        not null check (provider in ('stripe', 'gocardless', 'paypal')),
    ref        text        not null check (btrim(ref) <> '' and length(ref) <= 255),
    source     text        not null,
    created_at timestamptz not null default now(),
    created_by text        not null default dues.actor(),
    ended_at   timestamptz,
    ended_by   text,
    check ((ended_at is null) = (ended_by is null))
);
comment on table dues.member_provider_ref is
    'The ids a payment provider gives a member (customer, mandate, subscription): a webhook event naming one is the member''s, '
    'before any e-mail is looked at. One member per (provider, ref) at a time; source says who set it (staff, or the event it '
    'was learned from); ended ones are kept.';
create unique index member_provider_ref_key on dues.member_provider_ref (provider, ref) where ended_at is null;
create index member_provider_ref_member_idx on dues.member_provider_ref (member_id);

-- Resources read from a provider's API for the events that need them (GoCardless events carry ids, not amounts): the
-- worker fetches what is asked for, and the events waiting for it are processed again. A cache: rows may be deleted.
create table dues.webhook_resource (
    provider     text        not null check (provider in ('gocardless')),
    path         text        not null check (path ~ '^[a-z_]+/[A-Za-z0-9_-]{1,100}$'),
    body         jsonb,
    status       int,
    requested_at timestamptz not null default now(),
    fetched_at   timestamptz,
    attempts     int         not null default 0,
    due_at       timestamptz not null default now(),
    error        text,
    primary key (provider, path)
);
comment on table dues.webhook_resource is
    'Resources of a provider''s API that events wait for (path like payments/PM123): body and status once fetched (status 404: '
    'the provider does not know it), else retried at due_at after error. A cache of what the provider says.';
create index webhook_resource_due_idx on dues.webhook_resource (due_at) where fetched_at is null;

-- A delivery or an event as staff list them (api.webhook_list, api.webhook_reprocess).
create type dues.webhook_summary as (
    id           bigint,
    kind         text,
    provider     text,
    received_at  timestamptz,
    state        text,
    message_id   bigint,
    event_id     text,
    event_type   text,
    member_id    bigint,
    payment_id   bigint,
    deliveries   int,
    note         text,
    error        text,
    processed_at timestamptz
);

-- A delivery or an event in full (api.webhook_get).
create type dues.webhook_detail as (
    id              bigint,
    kind            text,
    provider        text,
    received_at     timestamptz,
    state           text,
    message_id      bigint,
    event_id        text,
    event_type      text,
    body            text,
    headers         jsonb,
    data            jsonb,
    verify_attempts int,
    verify_error    text,
    verified_at     timestamptz,
    refs            text[],
    payer_email     text,
    waiting_for     text,
    member_id       bigint,
    payment_id      bigint,
    deliveries      int,
    note            text,
    error           text,
    processed_at    timestamptz,
    events          jsonb,
    history         jsonb
);

-- A provider id of a member, as api.member_provider_ref_list shows it.
create type dues.member_provider_ref_view as (
    id         bigint,
    member_id  bigint,
    provider   text,
    ref        text,
    source     text,
    created_at timestamptz,
    created_by text,
    ended_at   timestamptz,
    ended_by   text
);

-- Secrets: names that say secret or key, so write-only (never shown back by the api, never logged); empty: not set,
-- and deliveries are stored and answered 503 until it is.
insert into dues.setting (name, value, type, minimum, maximum, optional, description) values
    ('stripe_webhook_secret', '', 'text', null, null, true,
     'The signing secret of the Stripe webhook endpoint, the whole whsec_ text (empty: Stripe webhooks are stored, not verified)'),
    ('stripe_webhook_tolerance_seconds', '300', 'integer', 1, 86400, false,
     'How much older than its delivery the timestamp of a Stripe signature may be, in seconds'),
    ('gocardless_webhook_secret', '', 'text', null, null, true,
     'The secret of the GoCardless webhook endpoint (empty: GoCardless webhooks are stored, not verified)'),
    ('gocardless_api_key', '', 'text', null, null, true,
     'A GoCardless access token (read-only is enough), to read the payments, mandates and customers events name'),
    ('gocardless_api_url', 'https://api.gocardless.com', 'url', null, null, false,
     'The GoCardless API: https://api.gocardless.com, or https://api-sandbox.gocardless.com'),
    ('paypal_webhook_key', '', 'text', null, null, true,
     'The Webhook ID PayPal shows for the /webhooks/paypal-rest endpoint (empty: PayPal webhooks are stored, not verified)'),
    ('paypal_cert_hosts', '*.paypal.com', 'text', null, null, false,
     'Where PayPal''s signing certificates may be fetched from: hosts over HTTPS (*.paypal.com: any host under it), or scheme://host:port'),
    ('webhook_verify_lease_seconds', '120', 'integer', 1, 86400, false,
     'How long a webhook delivery is left to the process verifying it before a worker may take it, in seconds'),
    ('webhook_verify_backoff_seconds', '60', 'integer', 1, 86400, false,
     'Wait before verifying a webhook delivery again (or asking a provider''s API again) after a failure, in seconds (doubled each time)'),
    ('webhook_verify_backoff_max_seconds', '21600', 'integer', 1, 604800, false,
     'Longest wait between two verifications of a webhook delivery, in seconds')
on conflict do nothing;

insert into dues.job_schedule (job, every, next_run_at) values
    ('webhook_rematch', '1 hour', now())
on conflict do nothing;

-- The messages of failures and cancellations name the processor that reports them (PayPal for IPN); a template a DBA
-- changed keeps its text.
update dues.message_template
   set placeholders = array_append(placeholders, 'processor')
 where name in ('subscr_cancel_confirm', 'payment_failed') and not 'processor' = any (placeholders);
update dues.message_template
   set body_text = E'Dear {{name}},\n\n{{processor}} tells us your subscription ({{subscr_id}}) was cancelled. If this was a mistake, '
                   'please subscribe again; if not, thank you for having been a member. Your access stays until your paid time runs out.\n'
 where name = 'subscr_cancel_confirm'
   and body_text = E'Dear {{name}},\n\nPayPal tells us you cancelled your subscription ({{subscr_id}}). If this was a mistake, '
                   'please subscribe again; if not, thank you for having been a member. Your access stays until your paid time runs out.\n';
update dues.message_template
   set body_text = E'Dear {{name}},\n\n{{processor}} could not collect your membership payment ({{subscr_id}}). Please check your '
                   '{{processor}} account.\n'
 where name = 'payment_failed'
   and body_text = E'Dear {{name}},\n\nPayPal could not collect your membership payment ({{subscr_id}}). Please check your PayPal account.\n';

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU603', 404, 'webhook not found'),
    ('DU604', 409, 'webhook cannot be processed in its state'),
    ('DU605', 422, 'webhook event malformed'),
    ('DU606', 409, 'provider id already another member''s'),
    ('DU607', 404, 'provider id not found');
