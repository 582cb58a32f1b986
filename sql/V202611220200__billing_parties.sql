-- Who takes part in recurring billing: providers and the broker, members' contacts, service orders and the
-- roles users hold on them, and the ledger accounts billing adds (receivables, bad debt).

-- An organisation that provides classes and is paid for them; exactly one provider may be the broker (the site's owner),
-- which provides every class that names no provider.
create table dues.provider (
    member_id  bigint primary key references dues.member,
    broker     boolean     not null default false,
    created_at timestamptz not null default now(),
    created_by text        not null default dues.actor()
);
comment on table dues.provider is
    'Providers: organisations (members of kind organization) that provide classes and issue invoices for them. One may be the broker.';
create unique index provider_broker_key on dues.provider (broker) where broker;

create trigger provider_forbid_delete before delete on dues.provider
    for each row execute function dues.forbid_delete();
create trigger provider_forbid_truncate before truncate on dues.provider
    for each statement execute function dues.forbid_delete();

alter table dues.class add column provider_id bigint references dues.provider;
comment on column dues.class.provider_id is 'The provider that invoices this class; null: the broker.';

-- The people a member wants billing and technical mail sent to. The (one) billing contact receives invoices and reminders.
create table dues.member_contact (
    id             bigint generated always as identity primary key,
    member_id      bigint      not null references dues.member,
    role           text        not null check (role in ('billing', 'technical', 'administrative', 'other')),
    name           text        not null check (btrim(name) <> ''),
    email          text check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    phone          text check (btrim(phone) <> ''),
    postal_address text check (btrim(postal_address) <> ''),
    created_at     timestamptz not null default now(),
    created_by     text        not null default dues.actor(),
    removed_at     timestamptz,
    removed_by     text,
    constraint member_contact_removed check ((removed_at is null) = (removed_by is null)),
    constraint member_contact_billing_email check (role <> 'billing' or email is not null)
);
comment on table dues.member_contact is
    'Contacts of a member (billing, technical, administrative, other). Removed contacts are kept (removed_at). '
    'At most one current billing contact per member: invoices and reminders go to it, else to the member''s own e-mail.';
create index member_contact_member_idx on dues.member_contact (member_id);
create unique index member_contact_billing_key on dues.member_contact (member_id) where role = 'billing' and removed_at is null;

create trigger member_contact_forbid_delete before delete on dues.member_contact
    for each row execute function dues.forbid_delete();
create trigger member_contact_forbid_truncate before truncate on dues.member_contact
    for each statement execute function dues.forbid_delete();

-- A service order groups some of a member's subscriptions (a hosting order for the main site, another for a campaign),
-- each with its own users and roles.
create table dues.service_order (
    id         bigint generated always as identity primary key,
    member_id  bigint      not null references dues.member,
    name       text        not null check (btrim(name) <> ''),
    created_at timestamptz not null default now(),
    created_by text        not null default dues.actor(),
    closed_at  timestamptz,
    closed_by  text,
    constraint service_order_closed check ((closed_at is null) = (closed_by is null))
);
comment on table dues.service_order is
    'Service orders of a member: a named set of subscriptions with its own users and roles. Closed orders are kept (closed_at).';
create index service_order_member_idx on dues.service_order (member_id);
create unique index service_order_name_key on dues.service_order (member_id, lower(name)) where closed_at is null;

create trigger service_order_forbid_delete before delete on dues.service_order
    for each row execute function dues.forbid_delete();
create trigger service_order_forbid_truncate before truncate on dues.service_order
    for each statement execute function dues.forbid_delete();

-- A user's role on a service order, as dues.organization_role is on an organisation: managers may pay and administer,
-- contributors may use. Every grant and revocation is a row (revoked rows are kept).
create table dues.service_order_role (
    id               bigint generated always as identity primary key,
    member_id        bigint      not null references dues.member,
    service_order_id bigint      not null references dues.service_order,
    role             text        not null check (role in ('manager', 'contributor')),
    granted_at       timestamptz not null default now(),
    granted_by       text        not null default dues.actor(),
    revoked_at       timestamptz,
    revoked_by       text,
    constraint service_order_role_revoked check ((revoked_at is null) = (revoked_by is null))
);
comment on table dues.service_order_role is
    'Roles of users (members of kind person) on service orders (manager, contributor); revoked rows are kept as history.';
create unique index service_order_role_active_key on dues.service_order_role (member_id, service_order_id) where revoked_at is null;
create index service_order_role_order_idx on dues.service_order_role (service_order_id);

create trigger service_order_role_forbid_delete before delete on dues.service_order_role
    for each row execute function dues.forbid_delete();
create trigger service_order_role_forbid_truncate before truncate on dues.service_order_role
    for each statement execute function dues.forbid_delete();

-- Ledger accounts billing adds: what a member owes on issued invoices, and what a provider wrote off.
alter table dues.ledger_account
    add column receivable_of bigint references dues.member,
    add column bad_debt_of   bigint references dues.provider,
    add constraint ledger_account_billing_owner
        check (num_nonnulls(member_id, payment_method, class_id, receivable_of, bad_debt_of) <= 1);
comment on column dues.ledger_account.receivable_of is
    'Set on a member''s receivable account: negative by what the member owes on issued invoices. Never positive.';
comment on column dues.ledger_account.bad_debt_of is
    'Set on a provider''s bad debt account: negative by what the provider wrote off as uncollectible.';
create unique index ledger_account_receivable_key on dues.ledger_account (receivable_of, currency) where receivable_of is not null;
create unique index ledger_account_bad_debt_key on dues.ledger_account (bad_debt_of, currency) where bad_debt_of is not null;
