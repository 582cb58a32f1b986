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

create trigger recurring_subscription_forbid_delete before delete on dues.recurring_subscription
    for each row execute function dues.forbid_delete();
create trigger recurring_subscription_forbid_truncate before truncate on dues.recurring_subscription
    for each statement execute function dues.forbid_delete();

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

create trigger dues_override_forbid_delete before update or delete on dues.dues_override
    for each row execute function dues.forbid_delete();
create trigger dues_override_forbid_truncate before truncate on dues.dues_override
    for each statement execute function dues.forbid_delete();

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

create trigger charge_forbid_delete before update or delete on dues.charge
    for each row execute function dues.forbid_delete();
create trigger charge_forbid_truncate before truncate on dues.charge
    for each statement execute function dues.forbid_delete();

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

create trigger invoice_forbid_delete before delete on dues.invoice
    for each row execute function dues.forbid_delete();
create trigger invoice_forbid_truncate before truncate on dues.invoice
    for each statement execute function dues.forbid_delete();

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

create trigger invoice_line_forbid_delete before delete on dues.invoice_line
    for each row execute function dues.forbid_delete();
create trigger invoice_line_forbid_truncate before truncate on dues.invoice_line
    for each statement execute function dues.forbid_delete();

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

create trigger invoice_status_change_forbid_delete before update or delete on dues.invoice_status_change
    for each row execute function dues.forbid_delete();
create trigger invoice_status_change_forbid_truncate before truncate on dues.invoice_status_change
    for each statement execute function dues.forbid_delete();

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

create trigger settlement_forbid_delete before update or delete on dues.settlement
    for each row execute function dues.forbid_delete();
create trigger settlement_forbid_truncate before truncate on dues.settlement
    for each statement execute function dues.forbid_delete();

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

create trigger refund_forbid_delete before update or delete on dues.refund
    for each row execute function dues.forbid_delete();
create trigger refund_forbid_truncate before truncate on dues.refund
    for each statement execute function dues.forbid_delete();

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

create trigger proration_credit_forbid_delete before update or delete on dues.proration_credit
    for each row execute function dues.forbid_delete();
create trigger proration_credit_forbid_truncate before truncate on dues.proration_credit
    for each statement execute function dues.forbid_delete();

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

create trigger ledger_booking_forbid_delete before update or delete on dues.ledger_booking
    for each row execute function dues.forbid_delete();
create trigger ledger_booking_forbid_truncate before truncate on dues.ledger_booking
    for each statement execute function dues.forbid_delete();

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

create trigger invoice_reminder_forbid_delete before update or delete on dues.invoice_reminder
    for each row execute function dues.forbid_delete();
create trigger invoice_reminder_forbid_truncate before truncate on dues.invoice_reminder
    for each statement execute function dues.forbid_delete();

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

create trigger member_standing_forbid_delete before delete on dues.member_standing
    for each row execute function dues.forbid_delete();
create trigger member_standing_forbid_truncate before truncate on dues.member_standing
    for each statement execute function dues.forbid_delete();

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

create trigger standing_change_forbid_delete before update or delete on dues.standing_change
    for each row execute function dues.forbid_delete();
create trigger standing_change_forbid_truncate before truncate on dues.standing_change
    for each statement execute function dues.forbid_delete();

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

create trigger standing_membership_forbid_delete before update or delete on dues.standing_membership
    for each row execute function dues.forbid_delete();
create trigger standing_membership_forbid_truncate before truncate on dues.standing_membership
    for each statement execute function dues.forbid_delete();

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

create trigger collect_run_forbid_delete before delete on dues.collect_run
    for each row execute function dues.forbid_delete();
create trigger collect_run_forbid_truncate before truncate on dues.collect_run
    for each statement execute function dues.forbid_delete();

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

create trigger collect_error_forbid_delete before update or delete on dues.collect_error
    for each row execute function dues.forbid_delete();
create trigger collect_error_forbid_truncate before truncate on dues.collect_error
    for each statement execute function dues.forbid_delete();

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
