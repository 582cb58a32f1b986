-- Classes, their parameter values and students groups; orders and the subscriptions they become.

-- A group of members over time (a class's students, and later other groups).
create table dues."group" (
    id         bigint generated always as identity primary key,
    name       text        not null check (btrim(name) <> ''),
    created_at timestamptz not null default now(),
    created_by text        not null default dues.actor()
);
comment on table dues."group" is 'Groups of members; every class has its own students group.';

-- What a member subscribes to: a course, a membership tier, a hosting package, a SaaS plan.
create table dues.class (
    id                bigint generated always as identity primary key,
    title             text        not null check (btrim(title) <> ''),
    description       text,
    currency          char(3)     not null references dues.currency,
    rule              text        not null references dues.subscription_rule,
    students_group_id bigint      not null unique references dues."group",
    created_at        timestamptz not null default now(),
    created_by        text        not null default dues.actor(),
    unique (id, rule)
);
comment on table dues.class is 'Classes members subscribe to, each priced by a subscription rule and with its own students group.';

-- The values of a class's rule parameters (scope class only), e.g. the price.
create table dues.class_subscription_parameter (
    class_id bigint not null,
    rule     text   not null,
    name     text   not null,
    scope    text   not null default 'class' check (scope = 'class'),
    value    jsonb  not null,
    primary key (class_id, name),
    foreign key (class_id, rule) references dues.class (id, rule),
    foreign key (rule, name, scope) references dues.subscription_parameter_template (rule, name, scope)
);
comment on table dues.class_subscription_parameter is 'Values of the class-level parameters of a class''s subscription rule.';

-- A class's revenue account.
alter table dues.ledger_account
    add column class_id bigint references dues.class,
    drop constraint ledger_account_one_owner,
    add constraint ledger_account_one_owner check (num_nonnulls(member_id, payment_method, class_id) <= 1);
create unique index ledger_account_class_key on dues.ledger_account (class_id) where class_id is not null;
comment on column dues.ledger_account.class_id is 'Set on a class''s revenue account: what members paid for the class.';

create type dues.order_state as enum ('opened', 'confirmed', 'closed', 'cancelled');

-- A member's request to subscribe, priced and dated by the class's rule, moving opened -> confirmed -> closed (or cancelled).
create table dues.subscription_order (
    id             bigint generated always as identity primary key,
    member_id      bigint           not null references dues.member,
    class_id       bigint           not null references dues.class,
    amount         numeric(14,2)    not null check (amount >= 0),
    currency       char(3)          not null references dues.currency,
    start_date     date             not null,
    end_date       date check (end_date >= start_date),
    params         jsonb            not null default '{}' check (jsonb_typeof(params) = 'object'),
    class_params   jsonb            not null default '{}' check (jsonb_typeof(class_params) = 'object'),
    state          dues.order_state not null default 'opened',
    opened_at      timestamptz      not null default now(),
    opened_by      text             not null default dues.actor(),
    confirmed_at   timestamptz,
    confirmed_by   text,
    closed_at      timestamptz,
    closed_by      text,
    cancelled_at   timestamptz,
    cancelled_by   text,
    constraint subscription_order_confirmed check ((confirmed_at is null) = (confirmed_by is null)),
    constraint subscription_order_closed check ((closed_at is null) = (closed_by is null)),
    constraint subscription_order_cancelled check ((cancelled_at is null) = (cancelled_by is null)),
    constraint subscription_order_state_recorded check (
        case state
            when 'opened' then confirmed_at is null and closed_at is null and cancelled_at is null
            when 'confirmed' then confirmed_at is not null and closed_at is null and cancelled_at is null
            when 'closed' then confirmed_at is not null and closed_at is not null and cancelled_at is null
            when 'cancelled' then closed_at is null and cancelled_at is not null
        end)
);
comment on table dues.subscription_order is
    'Subscription orders. params: the member''s request parameters; class_params: the class parameters the rule saw. Each state change records when and by whom.';
comment on column dues.subscription_order.end_date is 'Last day covered (inclusive); null when the subscription is open-ended.';

create index subscription_order_member_idx on dues.subscription_order (member_id, currency) where state = 'confirmed';
create index subscription_order_class_idx on dues.subscription_order (class_id);

-- A member's subscription to a class, made from a closed order.
create table dues.class_subscription (
    id                    bigint generated always as identity primary key,
    member_id             bigint      not null references dues.member,
    class_id              bigint      not null references dues.class,
    order_id              bigint      not null unique references dues.subscription_order,
    start_date            date        not null,
    end_date              date check (end_date >= start_date),
    ledger_transaction_id bigint unique references dues.ledger_transaction,
    created_at            timestamptz not null default now(),
    created_by            text        not null default dues.actor()
);
comment on table dues.class_subscription is
    'Subscriptions of members to classes. ledger_transaction_id is the payment to the class (null for a free subscription).';
create index class_subscription_member_idx on dues.class_subscription (member_id);

-- A member's membership of a group over a range of dates.
create table dues.group_membership (
    id                    bigint generated always as identity primary key,
    group_id              bigint      not null references dues."group",
    member_id             bigint      not null references dues.member,
    during                daterange   not null check (not isempty(during) and lower(during) is not null),
    class_subscription_id bigint unique references dues.class_subscription,
    created_at            timestamptz not null default now(),
    created_by            text        not null default dues.actor()
);
comment on table dues.group_membership is 'Who belongs to which group when; a class''s students are the members of its students group.';
create index group_membership_group_idx on dues.group_membership (group_id, member_id);

create trigger group_forbid_delete before delete on dues."group"
    for each row execute function dues.forbid_delete();
create trigger class_forbid_delete before delete on dues.class
    for each row execute function dues.forbid_delete();
create trigger class_subscription_parameter_forbid_delete before delete on dues.class_subscription_parameter
    for each row execute function dues.forbid_delete();
create trigger subscription_order_forbid_delete before delete on dues.subscription_order
    for each row execute function dues.forbid_delete();
create trigger class_subscription_forbid_delete before update or delete on dues.class_subscription
    for each row execute function dues.forbid_delete();
create trigger group_membership_forbid_delete before delete on dues.group_membership
    for each row execute function dues.forbid_delete();

create trigger group_forbid_truncate before truncate on dues."group"
    for each statement execute function dues.forbid_delete();
create trigger class_forbid_truncate before truncate on dues.class
    for each statement execute function dues.forbid_delete();
create trigger class_subscription_parameter_forbid_truncate before truncate on dues.class_subscription_parameter
    for each statement execute function dues.forbid_delete();
create trigger subscription_order_forbid_truncate before truncate on dues.subscription_order
    for each statement execute function dues.forbid_delete();
create trigger class_subscription_forbid_truncate before truncate on dues.class_subscription
    for each statement execute function dues.forbid_delete();
create trigger group_membership_forbid_truncate before truncate on dues.group_membership
    for each statement execute function dues.forbid_delete();
