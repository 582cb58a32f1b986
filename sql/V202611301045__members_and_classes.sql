-- Baseline: members, payment methods and payments; subscription rules and their parameter types;
-- classes, orders and class subscriptions; the rules dues ships with.

-- Members, the ways they pay, and the payments registered on their ledger accounts.

-- A person or an organisation that subscribes and pays.
create table dues.member (
    id         bigint generated always as identity primary key,
    kind       text        not null check (kind in ('person', 'organization')),
    name       text        not null check (btrim(name) <> ''),
    email      text        not null check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    created_at timestamptz not null default now(),
    created_by text        not null default dues.actor()
);
comment on table dues.member is 'Members: people or organisations that subscribe to classes and pay.';

create unique index member_email_key on dues.member (lower(email));

-- The ways money reaches dues from outside; each has a processor account per currency.
create table dues.payment_method (
    name       text primary key check (name ~ '^[a-z][a-z0-9_]*$'),
    title      text        not null,
    created_at timestamptz not null default now()
);
comment on table dues.payment_method is 'Payment methods (processors); money registered through one comes from its processor ledger account.';

insert into dues.payment_method (name, title) values
    ('manual', 'Registered by hand'),
    ('paypal', 'PayPal'),
    ('bank_transfer', 'Bank transfer'),
    ('cash', 'Cash');

-- Ledger account owners: a member's credit, a processor's clearing account (classes add theirs later).
alter table dues.ledger_account
    add column member_id      bigint references dues.member,
    add column payment_method text   references dues.payment_method,
    add constraint ledger_account_one_owner check (num_nonnulls(member_id, payment_method) <= 1);

create unique index ledger_account_member_key on dues.ledger_account (member_id, currency) where member_id is not null;
create unique index ledger_account_processor_key on dues.ledger_account (payment_method, currency) where payment_method is not null;

comment on column dues.ledger_account.member_id is
    'Set on a member''s credit account: money received from the member and not yet spent. Never negative.';
comment on column dues.ledger_account.payment_method is
    'Set on a processor''s clearing account: goes negative by what the processor has paid in.';

-- One processor account per method and currency, made up front so payments never race to create them.
insert into dues.ledger_account (name, currency, allow_negative, payment_method)
select 'processor ' || m.name || ' ' || c.code, c.code, true, m.name
  from dues.payment_method m
 cross join dues.currency c
 order by m.name, c.code;

-- Money received from outside and credited to a member, once per (method, external_ref).
create table dues.payment (
    id                    bigint generated always as identity primary key,
    member_id             bigint        not null references dues.member,
    amount                numeric(14,2) not null check (amount > 0),
    currency              char(3)       not null references dues.currency,
    method                text          not null references dues.payment_method,
    external_ref          text check (btrim(external_ref) <> ''),
    ledger_transaction_id bigint        not null unique references dues.ledger_transaction,
    created_at            timestamptz   not null default now(),
    created_by            text          not null default dues.actor(),
    constraint payment_external_ref_key unique (method, external_ref)
);
comment on table dues.payment is
    'Payments registered by api.register_payment; (method, external_ref) is unique so a replayed notification moves no money.';

create index payment_member_idx on dues.payment (member_id);

-- Subscription rules: the algorithms (rule methods in schema rules) and the typed parameters they take.

-- What every rule method returns: what the member pays and the dates the subscription covers.
create type dues.rule_result as (
    amount     numeric(14,2),
    start_date date,
    end_date   date
);
comment on type dues.rule_result is
    'Result of a rule method: amount to pay (>= 0, in the class currency), first day covered, last day covered (null: open-ended).';

-- A parameter type: how the database validates a value, and how a user interface presents it.
create table dues.parameter_type (
    name        text primary key check (name ~ '^[a-z][a-z0-9_]*$'),
    description text    not null,
    validator   regproc not null,
    input_type  text    not null
);
comment on table dues.parameter_type is
    'Types of rule parameters. validator is a function (p_value jsonb, p_currency char(3)) returns boolean in schema dues or rules; input_type is the HTML/JS snippet a UI uses to present and validate a value.';

-- A subscription rule: an algorithm, named by a function in schema rules, that prices and dates an order.
create table dues.subscription_rule (
    name        text primary key check (name ~ '^[a-z][a-z0-9_]*$'),
    title       text    not null check (btrim(title) <> ''),
    description text    not null,
    method      regproc not null unique,
    class_check regproc,
    created_at  timestamptz not null default now(),
    created_by  text        not null default dues.actor()
);
comment on table dues.subscription_rule is
    'Subscription rules. method: rules.f(p_class_id bigint, p_member_id bigint, p_class_params jsonb, p_request_params jsonb, p_today date) returns dues.rule_result. class_check (optional): rules.f(p_class_params jsonb) returns void, raising DU012 when class parameters are inconsistent together.';

-- A parameter a rule takes: set once by the class (scope class) or by each member's request (scope request).
create table dues.subscription_parameter_template (
    rule        text    not null references dues.subscription_rule,
    name        text    not null check (name ~ '^[a-z][a-z0-9_]*$'),
    type        text    not null references dues.parameter_type,
    scope       text    not null check (scope in ('class', 'request')),
    required    boolean not null,
    description text    not null,
    primary key (rule, name),
    unique (rule, name, scope)
);
comment on table dues.subscription_parameter_template is
    'Parameters of a subscription rule. scope class: a value per class, given to api.class_create; scope request: a value per order, given to api.subscription_request.';

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

-- The parameter types rules can use, each with its validator and the input a user interface shows.

-- Declared so that the rows below can name them; each is defined by its procs/ file,
-- which dues migrate applies after sql/ in the same run.
create function dues.param_money(p_value jsonb, p_currency char(3)) returns boolean language plpgsql as $$
    begin raise exception 'dues.param_money is declared, not yet defined: dues migrate applies procs/dues/param_money.sql' using errcode = '55000'; end $$;
create function dues.param_integer(p_value jsonb, p_currency char(3)) returns boolean language plpgsql as $$
    begin raise exception 'dues.param_integer is declared, not yet defined: dues migrate applies procs/dues/param_integer.sql' using errcode = '55000'; end $$;
create function dues.param_positive_integer(p_value jsonb, p_currency char(3)) returns boolean language plpgsql as $$
    begin raise exception 'dues.param_positive_integer is declared, not yet defined: dues migrate applies procs/dues/param_positive_integer.sql' using errcode = '55000'; end $$;
create function dues.param_months(p_value jsonb, p_currency char(3)) returns boolean language plpgsql as $$
    begin raise exception 'dues.param_months is declared, not yet defined: dues migrate applies procs/dues/param_months.sql' using errcode = '55000'; end $$;
create function dues.param_date(p_value jsonb, p_currency char(3)) returns boolean language plpgsql as $$
    begin raise exception 'dues.param_date is declared, not yet defined: dues migrate applies procs/dues/param_date.sql' using errcode = '55000'; end $$;
create function dues.param_text(p_value jsonb, p_currency char(3)) returns boolean language plpgsql as $$
    begin raise exception 'dues.param_text is declared, not yet defined: dues migrate applies procs/dues/param_text.sql' using errcode = '55000'; end $$;

insert into dues.parameter_type (name, description, validator, input_type) values
    ('money',
     'an amount of at least 0 in the class currency, as a JSON number or numeric string, with no more decimals than the currency has',
     'dues.param_money',
     '<input type="number" inputmode="decimal" min="0" step="0.01" required>'),
    ('integer',
     'a whole number between -2147483648 and 2147483647',
     'dues.param_integer',
     '<input type="number" inputmode="numeric" step="1" required>'),
    ('positive_integer',
     'a whole number of at least 1',
     'dues.param_positive_integer',
     '<input type="number" inputmode="numeric" min="1" step="1" required>'),
    ('months',
     'a number of months from 1 to 1200',
     'dues.param_months',
     '<input type="number" inputmode="numeric" min="1" max="1200" step="1" required>'),
    ('date',
     'a calendar date as a string YYYY-MM-DD',
     'dues.param_date',
     '<input type="date" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" required>'),
    ('text',
     'a non-blank string of at most 1000 characters',
     'dues.param_text',
     '<input type="text" maxlength="1000" pattern=".*\S.*" required>');

-- Rule free: no parameters, nothing to pay; the subscription starts today and is open-ended.

-- Declared so that the rows below can name them; each is defined by its procs/ file,
-- which dues migrate applies after sql/ in the same run.
create function rules.class_subscribe_free(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                           p_request_params jsonb, p_today date) returns dues.rule_result language plpgsql as $$
    begin raise exception 'rules.class_subscribe_free is declared, not yet defined: dues migrate applies procs/rules/class_subscribe_free.sql' using errcode = '55000'; end $$;

insert into dues.subscription_rule (name, title, description, method)
values ('free', 'Free subscription',
        'Nothing to pay: the subscription starts on the day it is requested and has no end.',
        'rules.class_subscribe_free');

-- Rule single_payment: one payment of the class's price; the subscription starts today and is open-ended.

-- Declared so that the rows below can name them; each is defined by its procs/ file,
-- which dues migrate applies after sql/ in the same run.
create function rules.class_subscribe_single_payment(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                     p_request_params jsonb, p_today date) returns dues.rule_result language plpgsql as $$
    begin raise exception 'rules.class_subscribe_single_payment is declared, not yet defined: dues migrate applies procs/rules/class_subscribe_single_payment.sql' using errcode = '55000'; end $$;

insert into dues.subscription_rule (name, title, description, method)
values ('single_payment', 'Single payment subscription',
        'One payment of the class price; the subscription starts on the day it is requested and has no end.',
        'rules.class_subscribe_single_payment');

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description)
values ('single_payment', 'price', 'money', 'class', true, 'Subscription price');

-- Rule fixed_term: the class's price buys a term of some months, from today or a later start date the member picks.

-- Declared so that the rows below can name them; each is defined by its procs/ file,
-- which dues migrate applies after sql/ in the same run.
create function rules.class_subscribe_fixed_term(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                 p_request_params jsonb, p_today date) returns dues.rule_result language plpgsql as $$
    begin raise exception 'rules.class_subscribe_fixed_term is declared, not yet defined: dues migrate applies procs/rules/class_subscribe_fixed_term.sql' using errcode = '55000'; end $$;

insert into dues.subscription_rule (name, title, description, method)
values ('fixed_term', 'Fixed term subscription',
        'The class price buys a term of a set number of months, starting today or on a later start_date the member asks for.',
        'rules.class_subscribe_fixed_term');

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description) values
    ('fixed_term', 'price', 'money', 'class', true, 'Price of one term'),
    ('fixed_term', 'months', 'months', 'class', true, 'Length of the term in months'),
    ('fixed_term', 'start_date', 'date', 'request', false, 'First day of the term (default today; not in the past)');

-- Rule sliding_scale: the member states what they pay, within the class's minimum and maximum, as co-operatives do.

-- Declared so that the rows below can name them; each is defined by its procs/ file,
-- which dues migrate applies after sql/ in the same run.
create function rules.class_subscribe_sliding_scale(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                    p_request_params jsonb, p_today date) returns dues.rule_result language plpgsql as $$
    begin raise exception 'rules.class_subscribe_sliding_scale is declared, not yet defined: dues migrate applies procs/rules/class_subscribe_sliding_scale.sql' using errcode = '55000'; end $$;
create function rules.class_check_sliding_scale(p_class_params jsonb) returns void language plpgsql as $$
    begin raise exception 'rules.class_check_sliding_scale is declared, not yet defined: dues migrate applies procs/rules/class_check_sliding_scale.sql' using errcode = '55000'; end $$;

insert into dues.subscription_rule (name, title, description, method, class_check)
values ('sliding_scale', 'Sliding scale subscription',
        'The member states the amount they pay, between the class minimum and maximum; the subscription starts today and has no end.',
        'rules.class_subscribe_sliding_scale', 'rules.class_check_sliding_scale');

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description) values
    ('sliding_scale', 'minimum', 'money', 'class', true, 'Least a member may pay'),
    ('sliding_scale', 'maximum', 'money', 'class', true, 'Most a member may pay'),
    ('sliding_scale', 'amount', 'money', 'request', true, 'What the member chooses to pay');

-- Rule per_session: the member buys a number of sessions, between the class's minimum and maximum, at the class's price each.

-- Declared so that the rows below can name them; each is defined by its procs/ file,
-- which dues migrate applies after sql/ in the same run.
create function rules.class_subscribe_per_session(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                  p_request_params jsonb, p_today date) returns dues.rule_result language plpgsql as $$
    begin raise exception 'rules.class_subscribe_per_session is declared, not yet defined: dues migrate applies procs/rules/class_subscribe_per_session.sql' using errcode = '55000'; end $$;
create function rules.class_check_per_session(p_class_params jsonb) returns void language plpgsql as $$
    begin raise exception 'rules.class_check_per_session is declared, not yet defined: dues migrate applies procs/rules/class_check_per_session.sql' using errcode = '55000'; end $$;

insert into dues.subscription_rule (name, title, description, method, class_check)
values ('per_session', 'Pay per session',
        'The member buys a number of sessions, between the class minimum and maximum, at the class price per session.',
        'rules.class_subscribe_per_session', 'rules.class_check_per_session');

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description) values
    ('per_session', 'price_per_session', 'money', 'class', true, 'Price of one session'),
    ('per_session', 'min_sessions', 'positive_integer', 'class', true, 'Fewest sessions a member may buy'),
    ('per_session', 'max_sessions', 'positive_integer', 'class', true, 'Most sessions a member may buy'),
    ('per_session', 'sessions', 'positive_integer', 'request', true, 'Number of sessions the member buys');
