-- Pauses of recurring subscriptions (api.recurring_subscription_pause, api.recurring_subscription_resume): the paused days
-- are not billed (an invoiced one is credited back), the periods keep their anchor, and the member leaves the class's
-- students group for the pause and comes back after it.

-- A subscription is paused for the days paused (from_date to until_date, or to the day before resumed_on when it was
-- resumed early; empty when resumed before it began). Two pauses of a subscription never share a day.
create table dues.recurring_subscription_pause (
    id                    bigint generated always as identity primary key,
    class_subscription_id bigint      not null references dues.recurring_subscription,
    member_id             bigint      not null references dues.member,
    from_date             date        not null,
    until_date            date        not null,
    resumed_on            date,
    paused                daterange   not null generated always as (
                              daterange(from_date, greatest(from_date, least(until_date + 1, coalesce(resumed_on, until_date + 1))))
                          ) stored,
    group_membership_id   bigint      references dues.group_membership,
    charge_id             bigint      unique references dues.charge,
    why                   text,
    created_at            timestamptz not null default now(),
    created_by            text        not null default dues.actor(),
    resumed_at            timestamptz,
    resumed_by            text,
    constraint recurring_subscription_pause_dates check (until_date >= from_date),
    constraint recurring_subscription_pause_resumed
        check ((resumed_on is null) = (resumed_at is null) and (resumed_at is null) = (resumed_by is null)
               and (charge_id is null or resumed_on is not null)),
    constraint recurring_subscription_pause_no_overlap exclude using gist (class_subscription_id with =, paused with &&)
);
comment on table dues.recurring_subscription_pause is
    'Pauses of recurring subscriptions: from_date to until_date as asked, resumed_on the first day back when resumed early '
    '(on or before from_date: the pause was removed), paused the days it holds now (not billed). group_membership_id: the '
    'students group membership given back after it; charge_id: the days it had credited or left unbilled that a resumption '
    'bills again.';
create index recurring_subscription_pause_member_idx on dues.recurring_subscription_pause (member_id);

-- The invoiced days of a period line a pause gave back, moved from the class's revenue to the member's credit.
create table dues.pause_credit (
    id                              bigint generated always as identity primary key,
    recurring_subscription_pause_id bigint        not null references dues.recurring_subscription_pause,
    invoice_line_id                 bigint        not null references dues.invoice_line,
    member_id                       bigint        not null references dues.member,
    amount                          numeric(14,2) not null check (amount > 0),
    paused_from                     date          not null,
    paused_until                    date          not null check (paused_until >= paused_from),
    credited_on                     date          not null,
    ledger_transaction_id           bigint        not null unique references dues.ledger_transaction,
    created_at                      timestamptz   not null default now(),
    created_by                      text          not null default dues.actor(),
    constraint pause_credit_once unique (recurring_subscription_pause_id, invoice_line_id)
);
comment on table dues.pause_credit is
    'Credits for the paused days (paused_from to paused_until) of an invoiced period line: exactly what those days cost '
    '(dues.period_piece), moved from the class''s revenue to the member''s credit when the pause was made.';
create index pause_credit_invoice_line_idx on dues.pause_credit (invoice_line_id);
create index pause_credit_member_idx on dues.pause_credit (member_id);

-- A paused subscription's students group membership stops at the pause and a second one begins after it: a class
-- subscription may now give several group memberships, one per stretch of days it covers.
alter table dues.group_membership drop constraint group_membership_class_subscription_id_key;
create index group_membership_class_subscription_idx on dues.group_membership (class_subscription_id)
    where class_subscription_id is not null;

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description) values
    ('recurring', 'max_pause_days', 'positive_integer', 'class', false, 'Longest pause of a subscription, in days (no pauses longer)');

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU710', 409, 'pause longer than the class allows'),
    ('DU711', 409, 'pause overlaps another pause of the subscription'),
    ('DU712', 409, 'subscription is cancelled or ended'),
    ('DU713', 422, 'pause dates outside the subscription or in the wrong order'),
    ('DU714', 404, 'no pause to resume');

-- recurring_subscription_list answers the pauses of each subscription: its answer changes, so the function is made
-- again by procs/api/recurring_subscription_list.sql.
drop function if exists api.recurring_subscription_list(bigint);
