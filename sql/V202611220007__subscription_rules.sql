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
