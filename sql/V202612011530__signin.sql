-- Members sign themselves in, and people apply for membership, with a one-time code mailed to their address; the site
-- is a member (an organization) from the first migration on, and the broker, so that recurring billing works without
-- set-up; the internal function that recomputes a membership status is renamed (one concept, one name: "apply" is now
-- what a person does, api.membership_apply).

-- dues.membership_apply(member_id, now) is now dues.membership_status_update (procs/dues/membership_status_update.sql)
drop function if exists dues.membership_apply(bigint, timestamptz);

insert into dues.setting (name, value, type, minimum, maximum, optional, description) values
    ('site_name', 'dues', 'text', null, null, false,
     'The name of the site''s organization: the member that is the broker, which invoices every class that names no provider'),
    ('site_email', 'dues@localhost', 'email', null, null, false,
     'The e-mail of the site''s organization (the broker member)'),
    ('site_url', 'http://localhost:8080', 'url', null, null, false,
     'Where members reach the site: sign-in links are <site_url>/signin?email=…&code=…'),
    ('signin_code_minutes', '15', 'integer', 1, 1440, false,
     'How long a sign-in code (or a code confirming an application) is valid, in minutes'),
    ('signin_code_tries', '5', 'integer', 1, 100, false,
     'How many times a sign-in code may be tried before it is void'),
    ('signin_session_days', '30', 'integer', 1, 3650, false,
     'How long a session (the token signin_complete answers) lasts, in days'),
    ('signin_requests_per_address', '5', 'integer', 1, 10000, false,
     'How many sign-in codes and applications one e-mail address may ask for in an hour'),
    ('signin_requests_per_client', '30', 'integer', 1, 1000000, false,
     'How many sign-in codes and applications one client address (of the HTTP request) may ask for in an hour'),
    ('signin_code_key', encode(gen_random_bytes(32), 'hex'), 'text', null, null, false,
     'The key sign-in codes are hashed with (HMAC-SHA256): a code is never kept, only its hash')
on conflict (name) do nothing;

-- members of group staff sign in to a staff session
insert into dues."group" (name, key, linked_members_follow) values ('Staff', 'staff', false)
on conflict (key) do nothing;

-- the site itself: an organization, the broker (unless a broker is registered already)
insert into dues.member (kind, name, email)
select 'organization', 'dues', 'dues@localhost'
 where not exists (select from dues.provider p where p.broker)
   and not exists (select from dues.member m where lower(m.email) = 'dues@localhost');
insert into dues.provider (member_id, broker)
select m.id, true
  from dues.member m
 where lower(m.email) = 'dues@localhost' and m.kind = 'organization'
   and not exists (select from dues.provider p where p.broker)
on conflict (member_id) do update set broker = true;

-- a staff session is a staff token that names the member it signed in
alter table dues.api_token drop constraint api_token_for_someone;
alter table dues.api_token add constraint api_token_for_someone check (staff or member_id is not null);
comment on column dues.api_token.member_id is
    'The member a member token acts for; on a staff token, the member of group staff that signed in (null: a staff token made by token_create).';

-- One code asked for by signin_request or membership_apply: the newest of an address is the only one that counts.
-- Every request is a row, whether or not the address is a member's (so that both are answered alike, and rate-limited
-- alike); only a member's address (signin) or an applicant's (apply) is sent its code.
create table dues.signin_code (
    id             bigint generated always as identity primary key,
    email          text        not null check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    purpose        text        not null check (purpose in ('signin', 'apply')),
    member_id      bigint      references dues.member,
    name           text,
    kind           text        check (kind in ('person', 'organization')),
    code_hash      text        not null check (code_hash ~ '^[0-9a-f]{64}$'),
    client_address text,
    attempts       int         not null default 0 check (attempts >= 0),
    created_at     timestamptz not null default now(),
    expires_at     timestamptz not null,
    used_at        timestamptz,
    token_id       bigint      references dues.api_token,
    check ((purpose = 'apply') = (name is not null and kind is not null))
);
comment on table dues.signin_code is
    'Sign-in codes and application codes, one row per request (rate limits count them). Only the HMAC-SHA256 of a code is '
    'kept (key: setting signin_code_key). member_id: the member the code signs in (null: an unknown address, nothing sent); '
    'name, kind: an application''s. jobs.cleanup forgets rows a day after they expired.';
create index signin_code_email_idx on dues.signin_code (lower(email), id);
create index signin_code_client_idx on dues.signin_code (client_address, created_at) where client_address is not null;
create index signin_code_created_idx on dues.signin_code (created_at);

-- the messages that carry a code
insert into dues.message_template (name, kind, subject, body_text) values
    ('signin_code', 'email', 'Your sign-in code: {{code}}',
     E'Hello {{name}},\n\nyour code to sign in is {{code}}. It is valid for {{minutes}} minutes; or open\n{{link}}\n\n'
     'If you did not ask for it, ignore this message: nobody can sign in without the code.\n'),
    ('application_code', 'email', 'Confirm your e-mail: {{code}}',
     E'Hello {{name}},\n\nto confirm your application for membership, enter the code {{code}} (valid for {{minutes}} minutes),\n'
     'or open\n{{link}}\n\nIf you did not apply, ignore this message: nothing is done without the code.\n')
on conflict (name) do nothing;
update dues.message_template set placeholders = '{name,code,link,minutes}'
 where name in ('signin_code', 'application_code');

-- A failure that must leave a trace although the call's transaction is rolled back: the shell calls this function of
-- schema dues, with the failed call's named arguments, in a transaction of its own (a wrong sign-in code counts as a try).
alter table dues.error_code add column on_failure text check (on_failure ~ '^dues\.[a-z_][a-z0-9_]*$');
comment on column dues.error_code.on_failure is
    'A function of schema dues that dues serve (and dues call) calls after a call failed with this code, with the same '
    'named arguments, in its own transaction: what a failure must record although its transaction was rolled back.';

insert into dues.error_code (sqlstate, http_status, title, on_failure) values
    ('DU400', 401, 'sign-in code not valid', 'dues.signin_failed'),
    ('DU401', 429, 'too many sign-in requests', null),
    ('DU402', 409, 'no token to sign out', null);
