-- api.charge_cancel: a cancelled charge is never billed again (a line already made stays on its invoice; voiding that
-- invoice does not bill it again).

-- A charge is history (never updated): its cancellation is a row of its own.
create table dues.charge_cancellation (
    charge_id    bigint      primary key references dues.charge,
    cancelled_at timestamptz not null default now(),
    cancelled_by text        not null default dues.actor(),
    why          text
);
comment on table dues.charge_cancellation is
    'Charges staff cancelled (api.charge_cancel), when, by whom and why: the collector never bills them again, also after '
    'the invoice one was on is voided.';

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU30D', 404, 'charge not found'),
    ('DU30E', 409, 'charge is cancelled already');

-- A charge as api.charge_list and api.charge_cancel show it: pending (to be billed), billed (on invoice_id) or cancelled.
create type dues.charge_view as (
    id                    bigint,
    member_id             bigint,
    class_id              bigint,
    class_subscription_id bigint,
    kind                  text,
    description           text,
    amount                numeric(14,2),
    currency              char(3),
    due_date              date,
    state                 text,
    invoice_id            bigint,
    created_at            timestamptz,
    cancelled_at          timestamptz
);
