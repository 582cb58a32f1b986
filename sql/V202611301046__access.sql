-- Baseline: who may call what: the request roles, API tokens, organisation roles, idempotent answers.

-- Who may call what: the roles requests run under, API tokens, organisation
-- roles, and the stored answers of idempotent requests.

-- The three roles a request runs under (SET LOCAL ROLE, chosen from the token).
-- Roles belong to the whole server, so another database may have made them.
do $$
declare
    v_role text;
begin
    foreach v_role in array array['dues_anonymous', 'dues_member', 'dues_staff'] loop
        -- another database of the server may be migrating at this very moment
        begin
            if not exists (select from pg_catalog.pg_roles where rolname = v_role) then
                execute format('create role %I nologin', v_role);
            end if;
        exception when duplicate_object or unique_violation then
            null;
        end;
        begin
            if not pg_catalog.pg_has_role(current_user, v_role, 'member') then
                execute format('grant %I to %I', v_role, current_user);
            end if;
        exception when duplicate_object or unique_violation then
            null;
        end;
    end loop;
end
$$;

comment on role dues_anonymous is 'dues: requests without a token.';
comment on role dues_member is 'dues: requests with a member''s token; acts on its own data and its organisations''.';
comment on role dues_staff is 'dues: requests with a staff token, and dues call; acts on everything.';

grant usage on schema api to dues_anonymous, dues_member, dues_staff;

-- New functions are callable only by the roles a migration grants them to.
alter default privileges revoke execute on functions from public;
revoke execute on all functions in schema api from public;

-- Bearer tokens: only the SHA-256 of a token is kept; the token is shown once.
create table dues.api_token (
    id         bigint generated always as identity primary key,
    token_hash text        not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
    member_id  bigint      references dues.member,
    staff      boolean     not null default false,
    label      text,
    created_at timestamptz not null default now(),
    created_by text        not null default dues.actor(),
    expires_at timestamptz,
    revoked_at timestamptz,
    revoked_by text,
    constraint api_token_for_someone check (staff <> (member_id is not null))
);
comment on table dues.api_token is
    'API tokens: a member''s or staff. Only the hex SHA-256 of the token is stored; it can expire and be revoked.';

-- A member's role on an organisation (a member of kind organization), as in
-- the SaaS framework: managers may pay and administer, contributors may use.
create table dues.organization_role (
    id              bigint generated always as identity primary key,
    member_id       bigint      not null references dues.member,
    organization_id bigint      not null references dues.member,
    role            text        not null check (role in ('manager', 'contributor')),
    granted_at      timestamptz not null default now(),
    granted_by      text        not null default dues.actor(),
    revoked_at      timestamptz,
    revoked_by      text,
    check (member_id <> organization_id)
);
comment on table dues.organization_role is
    'Roles of members on organisations (manager, contributor); revoked rows are kept as history.';

create unique index organization_role_active_key
    on dues.organization_role (member_id, organization_id) where revoked_at is null;
create index organization_role_organization_idx on dues.organization_role (organization_id);

-- The first complete answer to a request with an Idempotency-Key, per caller and key.
create table dues.idempotency (
    owner        text        not null,
    key          text        not null check (length(key) between 1 and 255),
    request_hash text        not null,
    status       int,
    body         text,
    created_at   timestamptz not null default now(),
    completed_at timestamptz,
    primary key (owner, key)
);
comment on table dues.idempotency is
    'Answers of requests sent with an Idempotency-Key, replayed for 24 hours to the same caller.';

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU070', 422, 'idempotency key reused with a different request'),
    ('DU071', 422, 'invalid token request'),
    ('DU072', 404, 'token not found');
