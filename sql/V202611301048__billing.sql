-- Baseline: recurring billing: providers, contacts, service orders, recurring subscriptions, charges,
-- invoices, settlements, refunds, standing and the collector's runs.

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

-- Recurring billing: recurring subscriptions and their periods, dues overrides, charges, invoices and their lines,
-- settlements, refunds, proration credits, reminders, standing, and the collector's runs.

-- the exclusion constraint below compares bigints with = in a GiST index
create extension if not exists btree_gist with schema public;

-- The billing state of a subscription to a class of rule recurring (one row per such class subscription).
-- Periods are anchor_date + k x (the class's period); days before anchor_date form a shorter first piece.
create table dues.recurring_subscription (
    class_subscription_id bigint primary key references dues.class_subscription,
    member_id             bigint      not null references dues.member,
    class_id              bigint      not null references dues.class,
    service_order_id      bigint references dues.service_order,
    start_date            date        not null,
    anchor_date           date        not null,
    end_date              date,
    billed_until          date,
    ended_at              timestamptz,
    ended_by              text,
    replaced_by           bigint references dues.recurring_subscription,
    created_at            timestamptz not null default now(),
    created_by            text        not null default dues.actor(),
    constraint recurring_subscription_anchor check (anchor_date >= start_date),
    constraint recurring_subscription_end check (end_date >= start_date),
    constraint recurring_subscription_ended check ((ended_at is null) = (ended_by is null)),
    -- subscriptions never overlap for the same member, class and service order
    constraint recurring_subscription_no_overlap exclude using gist (
        member_id with =,
        class_id with =,
        (coalesce(service_order_id, 0)) with =,
        (daterange(start_date, end_date, '[]')) with &&)
);
comment on table dues.recurring_subscription is
    'Billing state of subscriptions to recurring classes. end_date: last day covered (null: renews until cancelled); '
    'billed_until: every day up to it is invoiced (or free), the auto-renewal horizon; ended_at/by: who set an end date; '
    'replaced_by: the subscription a class change moved to.';
create index recurring_subscription_member_idx on dues.recurring_subscription (member_id);
create index recurring_subscription_class_idx on dues.recurring_subscription (class_id);

-- A member's own dues for a recurring class (sliding scale), from a day on; amount null returns to the class's amount.
create table dues.dues_override (
    id             bigint generated always as identity primary key,
    member_id      bigint        not null references dues.member,
    class_id       bigint        not null references dues.class,
    amount         numeric(14,2) check (amount >= 0),
    effective_from date          not null,
    created_at     timestamptz   not null default now(),
    created_by     text          not null default dues.actor()
);
comment on table dues.dues_override is
    'Dues a member pays per period of a recurring class instead of the class amount, for periods starting on or after effective_from '
    '(the newest row that applies wins). 0: no invoices; null: back to the class amount. Rows are history: never updated or deleted.';
create index dues_override_member_class_idx on dues.dues_override (member_id, class_id, effective_from);

-- A one-off amount to invoice: a recurring class's setup fee, or a charge staff adds.
create table dues.charge (
    id                    bigint generated always as identity primary key,
    member_id             bigint        not null references dues.member,
    class_id              bigint        not null references dues.class,
    subscription_id       bigint references dues.recurring_subscription,
    kind                  text          not null check (kind in ('setup_fee', 'charge')),
    description           text          not null check (btrim(description) <> ''),
    amount                numeric(14,2) not null check (amount > 0),
    currency              char(3)       not null references dues.currency,
    due_date              date          not null,
    created_at            timestamptz   not null default now(),
    created_by            text          not null default dues.actor(),
    constraint charge_setup_fee check (kind <> 'setup_fee' or subscription_id is not null)
);
comment on table dues.charge is
    'One-off amounts the collector puts on the member''s next invoice once due_date is within the lead time: setup fees and other charges.';
create index charge_member_idx on dues.charge (member_id);
create unique index charge_setup_fee_key on dues.charge (subscription_id) where kind = 'setup_fee';

-- The last invoice number used by a provider in a year: numbers are gapless because the counter moves in the issuing transaction.
create table dues.invoice_counter (
    provider_id bigint not null references dues.provider,
    year        int    not null check (year between 1900 and 9999),
    last_number int    not null check (last_number > 0),
    primary key (provider_id, year)
);
comment on table dues.invoice_counter is 'Last invoice number per provider and year (gapless: taken in the transaction that issues the invoice).';

-- An invoice: what a member owes a provider, in one currency.
create table dues.invoice (
    id                   bigint generated always as identity primary key,
    member_id            bigint        not null references dues.member,
    provider_id          bigint        not null references dues.provider,
    currency             char(3)       not null references dues.currency,
    status               text          not null default 'draft'
                                       check (status in ('draft', 'open', 'paid', 'void', 'uncollectible')),
    number_year          int,
    number_seq           int check (number_seq > 0),
    number               text,
    issue_date           date,
    due_date             date,
    total                numeric(14,2) not null default 0 check (total >= 0),
    issue_transaction_id bigint unique references dues.ledger_transaction,
    void_transaction_id  bigint unique references dues.ledger_transaction,
    collect_run_id       bigint,
    created_at           timestamptz   not null default now(),
    created_by           text          not null default dues.actor(),
    constraint invoice_number_key unique (provider_id, number_year, number_seq),
    constraint invoice_numbered check (
        (number_seq is null) = (number is null) and (number_seq is null) = (number_year is null)
        and (number_seq is null) = (issue_transaction_id is null)
        and (number_seq is null) = (issue_date is null) and (issue_date is null) = (due_date is null)),
    constraint invoice_issued check (status in ('draft', 'void') or number_seq is not null),
    constraint invoice_draft check (status <> 'draft' or number_seq is null),
    constraint invoice_voided check ((void_transaction_id is null) or status = 'void'),
    constraint invoice_due check (due_date >= issue_date)
);
comment on table dues.invoice is
    'Invoices of members (not of orders). draft -> open (issued: numbered per provider and year, posted to the ledger) -> paid, '
    'or void (postings reversed) or uncollectible (written off). A refund can take a paid invoice back to open.';
create index invoice_member_idx on dues.invoice (member_id, currency, status);
create index invoice_open_idx on dues.invoice (due_date) where status = 'open';

-- One line of an invoice: a subscription period (or the piece of it the subscription covers), a setup fee or a charge.
create table dues.invoice_line (
    id              bigint generated always as identity primary key,
    invoice_id      bigint        not null references dues.invoice,
    kind            text          not null check (kind in ('period', 'setup_fee', 'charge')),
    class_id        bigint        not null references dues.class,
    subscription_id bigint references dues.recurring_subscription,
    charge_id       bigint references dues.charge,
    description     text          not null,
    period_of       date,
    period_start    date,
    period_end      date,
    due_date        date          not null,
    amount          numeric(14,2) not null check (amount > 0),
    void            boolean       not null default false,
    constraint invoice_line_period check (
        (kind = 'period') = (period_of is not null)
        and (kind <> 'period' or (subscription_id is not null and period_start >= period_of and period_end >= period_start))),
    constraint invoice_line_charge check ((kind in ('setup_fee', 'charge')) = (charge_id is not null))
);
comment on table dues.invoice_line is
    'Lines of invoices. A period line bills the days period_start..period_end of the subscription period that starts on period_of '
    '(a full period, or the piece a shorter subscription covers). void: the line''s invoice was voided, the period may be billed again.';
comment on column dues.invoice_line.period_of is 'First day of the full subscription period this line bills (its identity: billed once).';
create index invoice_line_invoice_idx on dues.invoice_line (invoice_id);
-- never twice for the same subscription period, nor for the same charge
create unique index invoice_line_period_key on dues.invoice_line (subscription_id, period_of) where kind = 'period' and not void;
create unique index invoice_line_charge_key on dues.invoice_line (charge_id) where charge_id is not null and not void;

-- Every status an invoice took, with the business day, who, and why.
create table dues.invoice_status_change (
    id          bigint generated always as identity primary key,
    invoice_id  bigint      not null references dues.invoice,
    from_status text,
    to_status   text        not null,
    changed_on  date        not null,
    reason      text,
    created_at  timestamptz not null default now(),
    created_by  text        not null default dues.actor()
);
comment on table dues.invoice_status_change is 'History of invoice statuses: from, to, the business day, why, who and when.';
create index invoice_status_change_invoice_idx on dues.invoice_status_change (invoice_id);

-- Money applied to an invoice: credit from the member's account (positive), credit returned to it (negative), or a write-off.
create table dues.settlement (
    id                    bigint generated always as identity primary key,
    invoice_id            bigint        not null references dues.invoice,
    kind                  text          not null check (kind in ('credit', 'unapply', 'write_off')),
    amount                numeric(14,2) not null,
    settled_on            date          not null,
    ledger_transaction_id bigint        not null references dues.ledger_transaction,
    created_at            timestamptz   not null default now(),
    created_by            text          not null default dues.actor(),
    constraint settlement_sign check (case kind when 'unapply' then amount < 0 else amount > 0 end)
);
comment on table dues.settlement is
    'What settled an invoice: kind credit (member credit applied, > 0), unapply (given back to the member''s credit by a refund '
    'or a void, < 0), write_off (the rest closed as uncollectible, > 0). An invoice''s settled amount is the sum of its rows.';
create index settlement_invoice_idx on dues.settlement (invoice_id);
create index settlement_transaction_idx on dues.settlement (ledger_transaction_id);

-- Money given back to a member through the payment method it came by.
create table dues.refund (
    id                    bigint generated always as identity primary key,
    payment_id            bigint        not null references dues.payment,
    amount                numeric(14,2) not null check (amount > 0),
    external_ref          text check (btrim(external_ref) <> ''),
    reason                text,
    refunded_on           date          not null,
    ledger_transaction_id bigint        not null unique references dues.ledger_transaction,
    created_at            timestamptz   not null default now(),
    created_by            text          not null default dues.actor(),
    constraint refund_external_ref_key unique (payment_id, external_ref)
);
comment on table dues.refund is
    'Refunds of payments: money moved from the member''s credit back to the payment method''s processor account. '
    '(payment_id, external_ref) is unique: a replayed refund moves no money.';
create index refund_payment_idx on dues.refund (payment_id);

-- The unused part of an invoiced period given back as credit when a subscription ends or changes class mid-period.
create table dues.proration_credit (
    id                    bigint generated always as identity primary key,
    invoice_line_id       bigint        not null unique references dues.invoice_line,
    member_id             bigint        not null references dues.member,
    amount                numeric(14,2) not null check (amount > 0),
    unused_from           date          not null,
    credited_on           date          not null,
    ledger_transaction_id bigint        not null unique references dues.ledger_transaction,
    created_at            timestamptz   not null default now(),
    created_by            text          not null default dues.actor()
);
comment on table dues.proration_credit is
    'Credits for the unused days (unused_from to the end of the period) of an invoiced period line, moved from the class''s revenue '
    'to the member''s credit. The line''s amount minus the credit is exactly what the used days cost.';

-- The business day of the ledger transactions billing makes (the collector's "now", not the wall clock).
create table dues.ledger_booking (
    ledger_transaction_id bigint primary key references dues.ledger_transaction,
    booked_on             date   not null,
    member_id             bigint references dues.member,
    invoice_id            bigint references dues.invoice
);
comment on table dues.ledger_booking is
    'Business day (and member, invoice) of a ledger transaction made by billing; transactions without a row are dated by created_at.';
create index ledger_booking_member_idx on dues.ledger_booking (member_id, booked_on);

-- Reminders of unpaid invoices: at most one per invoice and offset (days after the due date).
create table dues.invoice_reminder (
    invoice_id  bigint      not null references dues.invoice,
    offset_days int         not null check (offset_days > 0),
    reminded_on date        not null,
    outbox_id   bigint references dues.outbox,
    created_at  timestamptz not null default now(),
    primary key (invoice_id, offset_days)
);
comment on table dues.invoice_reminder is
    'Reminders the collector queued (outbox_id) or passed over because a later one was due at the same run (outbox_id null).';

-- A member's standing as the collector last found it.
create table dues.member_standing (
    member_id      bigint primary key references dues.member,
    standing       text        not null check (standing in ('good', 'at_risk', 'suspended')),
    since          date        not null,
    days_late      int         not null default 0,
    collect_run_id bigint,
    updated_at     timestamptz not null default now()
);
comment on table dues.member_standing is
    'Standing of members as of the collector''s last run: good, at_risk (late past standing_at_risk_days), suspended (past '
    'standing_suspend_days: the groups its subscriptions gave are taken away). Members without a row are in good standing.';

-- Every standing change, with the business day and the message queued.
create table dues.standing_change (
    id             bigint generated always as identity primary key,
    member_id      bigint      not null references dues.member,
    from_standing  text        not null,
    to_standing    text        not null,
    changed_on     date        not null,
    days_late      int         not null,
    collect_run_id bigint,
    outbox_id      bigint references dues.outbox,
    created_at     timestamptz not null default now(),
    created_by     text        not null default dues.actor()
);
comment on table dues.standing_change is 'History of standings: from, to, the business day, how late, the run and the message queued.';
create index standing_change_member_idx on dues.standing_change (member_id);

-- The group memberships a standing change ended (suspension) or gave back (reinstatement).
create table dues.standing_membership (
    id                  bigint generated always as identity primary key,
    standing_change_id  bigint    not null references dues.standing_change,
    group_membership_id bigint    not null references dues.group_membership,
    action              text      not null check (action in ('ended', 'restored')),
    during_before       daterange
);
comment on table dues.standing_membership is
    'Group memberships a suspension ended (during_before: the dates it had) and the memberships a reinstatement gave back.';
create index standing_membership_membership_idx on dues.standing_membership (group_membership_id);

-- One run of the collector (jobs.collect), with what it did.
create table dues.collect_run (
    id               bigint generated always as identity primary key,
    run_at           timestamptz not null,
    started_at       timestamptz not null,
    finished_at      timestamptz,
    members          int         not null default 0,
    invoices         int         not null default 0,
    lines            int         not null default 0,
    renewals         int         not null default 0,
    settlements      int         not null default 0,
    reminders        int         not null default 0,
    standing_changes int         not null default 0,
    ended            int         not null default 0,
    errors           int         not null default 0,
    created_by       text        not null default dues.actor()
);
comment on table dues.collect_run is
    'Runs of jobs.collect: the "now" it ran for (run_at), wall-clock start and end, and the counts of what it did.';

alter table dues.invoice add foreign key (collect_run_id) references dues.collect_run;
alter table dues.member_standing add foreign key (collect_run_id) references dues.collect_run;
alter table dues.standing_change add foreign key (collect_run_id) references dues.collect_run;

-- A member the collector could not bill in a run; the rest of the run went on.
create table dues.collect_error (
    id             bigint generated always as identity primary key,
    collect_run_id bigint      not null references dues.collect_run,
    member_id      bigint      not null references dues.member,
    sqlstate       text        not null,
    message        text        not null,
    created_at     timestamptz not null default now()
);
comment on table dues.collect_error is 'Errors of collector runs, one per member that failed (its changes were rolled back, the run went on).';
create index collect_error_run_idx on dues.collect_error (collect_run_id);

insert into dues.setting (name, value) values
    ('invoice_lead_days', '14'),
    ('reminder_days', '7,30'),
    ('standing_at_risk_days', '60'),
    ('standing_suspend_days', '90')
on conflict do nothing;

insert into dues.message_template (name, kind, subject, body_text) values
    ('invoice_issued', 'email', 'Invoice {{number}}: {{total}} {{currency}} due on {{due_date}}',
     E'Dear {{name}},\n\ninvoice {{number}} of {{provider}} for {{total}} {{currency}} is due on {{due_date}}.\n\n{{lines}}\n'
     'Amount due after your credit: {{amount_due}} {{currency}}.\n'),
    ('invoice_reminder', 'email', 'Reminder: invoice {{number}} is {{days_late}} days overdue',
     E'Dear {{name}},\n\ninvoice {{number}} of {{provider}}, due on {{due_date}}, still has {{amount_due}} {{currency}} to pay '
     'after {{days_late}} days. Please pay it.\n'),
    ('standing_at_risk', 'email', 'Your account is {{days_late}} days overdue',
     E'Dear {{name}},\n\nyou owe {{amount_due}} {{currency}}; the oldest unpaid invoice was due on {{oldest_due_date}}, '
     '{{days_late}} days ago. Without payment your access will be suspended after {{suspend_days}} days.\n'),
    ('standing_suspended', 'email', 'Your access is suspended',
     E'Dear {{name}},\n\nyou owe {{amount_due}} {{currency}}, unpaid for {{days_late}} days: your access is suspended until '
     'it is paid.\n'),
    ('standing_reinstated', 'email', 'Your account is in good standing again',
     E'Dear {{name}},\n\nthank you: your account is in good standing again and your access is back.\n')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DUB01', 404, 'invoice not found'),
    ('DUB02', 404, 'recurring subscription not found'),
    ('DUB03', 404, 'service order not found'),
    ('DUB04', 404, 'contact not found'),
    ('DUB05', 404, 'provider not found'),
    ('DUB06', 404, 'payment not found'),
    ('DUB07', 404, 'role not found'),
    ('DUB10', 409, 'subscriptions overlap'),
    ('DUB11', 409, 'invoice in wrong state'),
    ('DUB12', 409, 'linked members are not billed on their own'),
    ('DUB13', 409, 'refund exceeds what is left of the payment'),
    ('DUB14', 409, 'no provider for a class: no broker registered'),
    ('DUB15', 409, 'subscription has ended or the date is outside it'),
    ('DUB16', 409, 'class is not recurring'),
    ('DUB17', 409, 'a broker is already registered'),
    ('DUB18', 409, 'service order is closed');

-- The subscription behind each group membership a suspension ended, so a reinstatement gives back only what is still subscribed.

alter table dues.standing_membership
    add column class_subscription_id bigint references dues.class_subscription;
comment on column dues.standing_membership.class_subscription_id is
    'The class subscription that gave the membership (directly, or through an earlier reinstatement).';

-- A period line keeps the amount of the whole period it is a piece of, so that a later proration credit is computed
-- from what was billed (pieces of a period add up to exactly this amount).

alter table dues.invoice_line
    add column period_amount numeric(14,2) check (period_amount >= amount),
    add constraint invoice_line_period_amount check ((kind = 'period') = (period_amount is not null));
comment on column dues.invoice_line.period_amount is
    'For a period line: the dues for the whole period (the line''s amount is the piece period_start..period_end of it).';

-- Helpers of recurring billing: settings, locks, billing accounts, providers, recipients,
-- and the period arithmetic (periods, pieces of periods, exact proration).

-- The terms of a recurring class, read from its rule parameters.
create type dues.recurring_terms as (
    class_id     bigint,
    currency     char(3),
    period       text,
    period_count int,
    amount       numeric(14,2),
    setup_fee    numeric(14,2),
    renewal      text,
    periods      int
);
comment on type dues.recurring_terms is
    'A recurring class: period (day, week, month, year) x period_count, amount per period, setup fee (0 when none), '
    'renewal (one_time, auto_renew, fixed) and, for fixed, the number of periods.';

-- Rule recurring: a class billed every period by invoices (docs/billing.md). The order costs nothing; the rule computes
-- the term: its first day and, unless it renews until cancelled, its last day. A class subscription of a recurring class
-- gets its billing state (dues.recurring_subscription) and its setup fee (dues.charge) when it is made.

-- Declared so that the rows below can name them; each is defined by its procs/ file,
-- which dues migrate applies after sql/ in the same run.
create function rules.class_subscribe_recurring(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                p_request_params jsonb, p_today date) returns dues.rule_result language plpgsql as $$
    begin raise exception 'rules.class_subscribe_recurring is declared, not yet defined: dues migrate applies procs/rules/class_subscribe_recurring.sql' using errcode = '55000'; end $$;
create function rules.class_check_recurring(p_class_params jsonb) returns void language plpgsql as $$
    begin raise exception 'rules.class_check_recurring is declared, not yet defined: dues migrate applies procs/rules/class_check_recurring.sql' using errcode = '55000'; end $$;

insert into dues.subscription_rule (name, title, description, method, class_check)
values ('recurring', 'Recurring subscription',
        'Billed every period by invoices the collector issues: an amount per period (day, week, month or year, times a count), '
        'an optional setup fee on the first invoice, and a renewal: one_time (one period), auto_renew (until cancelled) or '
        'fixed (a number of periods, then it ends). Nothing is paid through the order itself.',
        'rules.class_subscribe_recurring', 'rules.class_check_recurring');

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description) values
    ('recurring', 'period', 'text', 'class', true, 'Unit of the billing period: day, week, month or year'),
    ('recurring', 'period_count', 'positive_integer', 'class', false, 'Units per period (default 1: every month, every year, …)'),
    ('recurring', 'amount', 'money', 'class', true, 'Amount per period (a member''s dues override replaces it)'),
    ('recurring', 'setup_fee', 'money', 'class', false, 'One-off fee on the first invoice'),
    ('recurring', 'renewal', 'text', 'class', true, 'one_time, auto_renew or fixed'),
    ('recurring', 'periods', 'positive_integer', 'class', false, 'Number of periods of a fixed renewal'),
    ('recurring', 'start_date', 'date', 'request', false, 'First day of the subscription (default today; not in the past)'),
    ('recurring', 'service_order_id', 'positive_integer', 'request', false, 'The member''s service order the subscription belongs to');

-- The collector works in batches, each its own transaction: a run queues the
-- members it will visit, and each call of jobs.collect takes the next batch.
-- One transaction per run made every update of a shared row (a provider's
-- accounts, its invoice counter) longer than the last: hours at 100 000 members.

create table dues.collect_queue (
    run_id    bigint not null references dues.collect_run,
    seq       int    not null,
    member_id bigint not null references dues.member,
    primary key (run_id, seq)
);
comment on table dues.collect_queue is
    'Members a collector run has yet to visit, in order; each call of jobs.collect takes the next collect_batch_size of them.';

alter table dues.collect_run add column batches int not null default 0;

insert into dues.setting (name, value) values ('collect_batch_size', '500') on conflict do nothing;

-- The largest single amount dues accepts (a payment, refund, charge, price or dues), per currency, and balances that
-- cannot overflow: an account's balance is a sum of any number of postings, so it has no precision limit.

insert into dues.setting (name, value) values
    ('max_amount', '1000000.00')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU024', 422, 'amount above the largest amount accepted');

-- numeric(14,2) -> numeric needs no rewrite; postings keep two decimals, and so do their sums
alter table dues.ledger_account alter column balance type numeric;
alter table dues.ledger_account alter column balance set default 0.00;
comment on column dues.ledger_account.balance is
    'Sum of the account''s postings (kept by dues.ledger_post): no precision limit, so that no sequence of postings overflows it.';

-- a rule method may compute any amount (a price times a number of sessions): dues.rule_apply refuses it with a DU code
alter type dues.rule_result alter attribute amount type numeric;

-- Members end or change a recurring subscription from today on; staff may pick an earlier day, with a reason that the
-- audit log keeps. The two functions take that reason: their old signatures go.

insert into dues.error_code (sqlstate, http_status, title) values
    ('DUB19', 422, 'a member cannot end or change a subscription before today');
