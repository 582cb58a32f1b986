-- Baseline: the schemas of dues, and the reference data every other table relies on (error codes,
-- currencies, settings). sql/ is append-only from here on; functions live in procs/.

-- The schemas of dues: what is private, what applications may call, and where DBAs extend.

-- dues: every table and internal helper; never reachable over HTTP.
create schema dues;
comment on schema dues is 'Private: all tables and internal helper functions of dues.';

-- api: exactly the functions applications may call (HTTP and `dues call`).
create schema api;
comment on schema api is 'The functions applications may call over HTTP; one concept per function.';

-- rules: subscription rule methods, the DBA's extension point (see docs/rules.md).
create schema rules;
comment on schema rules is 'Subscription rule methods: one PL/pgSQL function per subscription_rule row.';

-- jobs: background jobs run by the worker; empty for now.
create schema jobs;
comment on schema jobs is 'Background jobs run by the worker or cron; each takes "now" as an argument.';

revoke all on schema dues from public;
revoke all on schema rules from public;
revoke all on schema jobs from public;

-- Reference data every other table relies on: error codes, currencies, settings.

-- Every business error dues raises, with the HTTP status the shell answers with.
create table dues.error_code (
    sqlstate    char(5) primary key check (sqlstate ~ '^DU[0-9A-Z]{3}$'),
    http_status int     not null check (http_status between 400 and 599),
    title       text    not null check (btrim(title) <> '')
);
comment on table dues.error_code is
    'SQLSTATE -> HTTP status map read by the HTTP layer; one row per business failure kind (docs/errors.md).';

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU001', 404, 'member not found'),
    ('DU002', 404, 'class not found'),
    ('DU003', 404, 'order not found'),
    ('DU004', 404, 'subscription rule not found'),
    ('DU005', 404, 'ledger account not found'),
    ('DU006', 422, 'unknown payment method'),
    ('DU010', 422, 'required rule parameter missing'),
    ('DU011', 422, 'unknown rule parameter'),
    ('DU012', 422, 'invalid rule parameter value'),
    ('DU013', 422, 'invalid argument'),
    ('DU014', 422, 'required argument missing'),
    ('DU015', 409, 'e-mail address already in use'),
    ('DU020', 422, 'amount not positive'),
    ('DU021', 422, 'unknown currency'),
    ('DU022', 422, 'currency mismatch'),
    ('DU023', 422, 'amount not representable in its currency'),
    ('DU030', 402, 'insufficient credit'),
    ('DU031', 409, 'order in wrong state'),
    ('DU040', 422, 'ledger transaction does not balance'),
    ('DU041', 409, 'ledger rows are immutable'),
    ('DU042', 409, 'history rows are never deleted or rewritten'),
    ('DU043', 409, 'ledger account may not hold a positive balance'),
    ('DU050', 409, 'external reference reused with different content'),
    ('DU060', 422, 'invalid rule or parameter type definition'),
    ('DU061', 500, 'rule method returned an invalid result');

-- ISO 4217 currencies dues accepts; amounts are numeric(14,2), so at most 2 minor units.
create table dues.currency (
    code        char(3) primary key check (code ~ '^[A-Z]{3}$'),
    minor_units int     not null check (minor_units between 0 and 2),
    name        text    not null
);
comment on table dues.currency is 'Currencies dues accepts; minor_units limits the decimals of an amount.';

insert into dues.currency (code, minor_units, name) values
    ('USD', 2, 'US dollar'),
    ('EUR', 2, 'euro'),
    ('GBP', 2, 'pound sterling'),
    ('CAD', 2, 'Canadian dollar'),
    ('CHF', 2, 'Swiss franc'),
    ('AUD', 2, 'Australian dollar'),
    ('SEK', 2, 'Swedish krona'),
    ('NOK', 2, 'Norwegian krone'),
    ('DKK', 2, 'Danish krone'),
    ('JPY', 0, 'Japanese yen');

-- System-wide settings, one text value per name.
create table dues.setting (
    name  text primary key check (name ~ '^[a-z][a-z0-9_]*$'),
    value text not null
);
comment on table dues.setting is 'System-wide settings (default_currency, ...).';

insert into dues.setting (name, value) values ('default_currency', 'USD');

-- Length limits on the free text members and staff set (names, addresses, notes), in characters, one setting per kind,
-- and the code their refusal raises.

insert into dues.setting (name, value) values
    ('text_limit_name', '200'),
    ('text_limit_address', '1000'),
    ('text_limit_note', '4000')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU016', 422, 'text too long');
