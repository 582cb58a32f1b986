-- api.class_update changes a class's title, description and parameter values (new orders take the new values; orders
-- keep the values they were priced with); api.class_close closes a class to new orders while its subscriptions run on.

alter table dues.class
    add column closed_at timestamptz,
    add column closed_by text,
    add constraint class_closed check ((closed_at is null) = (closed_by is null));
comment on column dues.class.closed_at is
    'When the class was closed (api.class_close): no order is opened for it any more; its subscriptions run on.';

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU30A', 409, 'class is closed'),
    ('DU30B', 409, 'class is closed already'),
    ('DU30C', 409, 'class parameter fixed while its subscriptions run');

-- A class as api.class_list and api.class_update show it: with its parameter values, and whether it is open.
create type dues.class_view as (
    id          bigint,
    title       text,
    description text,
    currency    char(3),
    rule        text,
    params      jsonb,
    provider_id bigint,
    open        boolean,
    closed_at   timestamptz,
    created_at  timestamptz
);

-- An order as api.order_get and api.order_list show it: with its class's title and the subscription it became.
create type dues.order_view as (
    id                    bigint,
    member_id             bigint,
    class_id              bigint,
    class_title           text,
    state                 text,
    amount                numeric(14,2),
    currency              char(3),
    start_date            date,
    end_date              date,
    params                jsonb,
    class_params          jsonb,
    class_subscription_id bigint,
    opened_at             timestamptz,
    confirmed_at          timestamptz,
    closed_at             timestamptz,
    cancelled_at          timestamptz
);

-- A payment as api.payment_list shows it: with what was refunded of it.
create type dues.payment_view as (
    id           bigint,
    member_id    bigint,
    amount       numeric(14,2),
    currency     char(3),
    method       text,
    external_ref text,
    refunded     numeric(14,2),
    created_at   timestamptz,
    created_by   text
);
