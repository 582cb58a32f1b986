-- Every setting declares what it accepts: a type (dues.setting_type), a range for numbers, whether it may be empty, and
-- what it is for. api.setting_set, and any other change of the table (the trigger of procs/dues/setting_check.sql),
-- refuses a value that does not fit, naming the setting and what it expects (DU303, a 400). A setting whose name says
-- secret, key or password is write-only over the api: setting_list says whether it is set, never its value, and the
-- audit log keeps neither.

create table dues.setting_type (
    name        text primary key check (name ~ '^[a-z][a-z0-9_]*$'),
    description text not null check (btrim(description) <> '')
);
comment on table dues.setting_type is
    'Types of settings; dues.setting_valid checks a value against its type, description says what it accepts.';

insert into dues.setting_type (name, description) values
    ('text', 'any text'),
    ('integer', 'a whole number'),
    ('amount', 'an amount with at most two decimals, e.g. 1000.00'),
    ('email', 'an e-mail address, e.g. name@example.org'),
    ('mailbox', 'an e-mail address, with a display name or without: Name <name@example.org>'),
    ('url', 'an http or https URL'),
    ('day_list', 'numbers of days separated by commas, e.g. 7,30'),
    ('time_zone', 'a time zone name, e.g. Europe/Paris or UTC'),
    ('currency', 'the code of a currency of dues.currency, e.g. USD');

alter table dues.setting
    add column type        text references dues.setting_type,
    add column minimum     numeric,
    add column maximum     numeric,
    add column optional    boolean not null default false,
    add column description text,
    add column secret      boolean generated always as (name ~ '(^|_)(secret|key|password)s?(_|$)') stored,
    add constraint setting_range check (minimum <= maximum);
comment on table dues.setting is
    'System-wide settings, one text value per name, each with its declared type (and range, for numbers and day lists), '
    'whether it may be empty (optional: empty means unset), and what it is for. secret: the name says secret, key or password, '
    'so the value is never shown over the api nor kept in the audit log.';

update dues.setting s
   set type = d.type, minimum = d.minimum, maximum = d.maximum, optional = d.optional, description = d.description
  from (values
    ('default_currency', 'currency', null, null, false,
     'Currency of a class, a payment or a report that names none'),
    ('text_limit_name', 'integer', 1, 100000, false,
     'Longest name, title, label or phone number, in characters'),
    ('text_limit_address', 'integer', 1, 100000, false,
     'Longest e-mail or postal address, in characters'),
    ('text_limit_note', 'integer', 1, 1000000, false,
     'Longest note, reason or description, in characters'),
    ('outbox_lease_seconds', 'integer', 1, 86400, false,
     'How long a worker holds a message it is sending before another worker may take it, in seconds'),
    ('outbox_backoff_seconds', 'integer', 1, 86400, false,
     'Wait before the first retry of a message that failed, in seconds (doubled at each further attempt)'),
    ('mail_from', 'mailbox', null, null, false,
     'Sender of the e-mails dues sends'),
    ('paypal_verify_url', 'url', null, null, false,
     'Where PayPal payment notifications are posted back to be verified'),
    ('idempotency_retention_hours', 'integer', 1, 8760, false,
     'How long the answer to a request with an Idempotency-Key is kept, in hours'),
    ('local_timezone', 'time_zone', null, null, false,
     'The site''s time zone: which day today is, and when cron schedules fall'),
    ('board_email', 'email', null, null, true,
     'An address that receives the board''s notices besides the members of group board (empty: none)'),
    ('paypal_receiver_email', 'email', null, null, false,
     'The e-mail of the PayPal account payments go to: notifications for another receiver are rejected'),
    ('paypal_currency', 'currency', null, null, false,
     'Currency of PayPal payments: notifications in another currency are rejected'),
    ('paypal_verify_lease_seconds', 'integer', 1, 86400, false,
     'How long a worker holds a payment notification it is verifying, in seconds'),
    ('paypal_verify_backoff_seconds', 'integer', 1, 86400, false,
     'Wait before verifying a payment notification again after a failure, in seconds (doubled each time)'),
    ('paypal_verify_backoff_max_seconds', 'integer', 1, 604800, false,
     'Longest wait between two verifications of a payment notification, in seconds'),
    ('chat_webhook_url', 'url', null, null, true,
     'Webhook told of each new member''s first payment, to invite them to the chat (empty: none)'),
    ('paypal_email_code_minutes', 'integer', 1, 10080, false,
     'How long a code confirming a PayPal e-mail is valid, in minutes'),
    ('paypal_email_claims_per_day', 'integer', 1, 1000, false,
     'How many PayPal e-mail confirmations a member may ask for in a day'),
    ('invoice_lead_days', 'integer', 0, 366, false,
     'How many days before a period starts (or a charge is due) the collector invoices it'),
    ('reminder_days', 'day_list', 1, 3650, false,
     'Days after an invoice''s due date on which the collector reminds the member of it'),
    ('standing_at_risk_days', 'integer', 1, 3650, false,
     'Days an invoice is late before its member is at risk'),
    ('standing_suspend_days', 'integer', 1, 3650, false,
     'Days an invoice is late before its member is suspended (the groups its subscriptions gave are taken away)'),
    ('collect_batch_size', 'integer', 1, 100000, false,
     'Members the collector bills in one transaction'),
    ('max_amount', 'amount', 0.01, 999999999999.99, false,
     'Largest single amount accepted (a payment, refund, charge, price or period amount), in every currency without its own'),
    ('access_nonce_retention_days', 'integer', 1, 3650, false,
     'How long the nonces of devices'' access checks are kept to refuse replays, in days'),
    ('idempotency_max_keys', 'integer', 1, 1000000, false,
     'How many answers to requests with an Idempotency-Key one caller may hold at once'),
    ('ipn_junk_retention_days', 'integer', 1, 3650, false,
     'How long payment notifications that led nowhere (invalid, or not for us) are kept, in days')
  ) as d(name, type, minimum, maximum, optional, description)
 where s.name = d.name;

-- the largest amount of one currency (dues.max_amount reads max_amount_<currency>): declared for every currency, unset
insert into dues.setting (name, value, type, minimum, maximum, optional, description)
select 'max_amount_' || lower(c.code), '', 'amount', 0.01, 999999999999.99, true,
       'Largest single amount accepted in ' || c.code || ' (empty: max_amount)'
  from dues.currency c
on conflict (name) do update
   set type = excluded.type, minimum = excluded.minimum, maximum = excluded.maximum, optional = excluded.optional,
       description = excluded.description;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU302', 404, 'setting not found'),
    ('DU303', 400, 'setting value not valid'),
    ('DU304', 409, 'setting has no declared type');

-- A setting as api.setting_list and api.setting_set show it: a secret's value is never shown (is_set says whether it has one).
create type dues.setting_view as (
    name        text,
    type        text,
    expects     text,
    value       text,
    is_set      boolean,
    secret      boolean,
    description text
);
