-- api.charge_cancel: a cancelled charge is never billed again (a line already made stays on its invoice; voiding that
-- invoice does not bill it again).

alter table dues.charge
    add column cancelled_at timestamptz,
    add column cancelled_by text,
    add constraint charge_cancelled check ((cancelled_at is null) = (cancelled_by is null));
comment on column dues.charge.cancelled_at is
    'When staff cancelled the charge (api.charge_cancel): the collector never bills it again, also after its invoice is voided.';

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
