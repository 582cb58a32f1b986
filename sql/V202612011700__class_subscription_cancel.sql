-- api.class_subscription_cancel: a class subscription of the order flow (every rule but recurring, whose subscriptions
-- recurring_subscription_cancel ends) is cancelled from a last day on, with the unused part of what was paid given back
-- to the member's credit when staff ask for it.

-- A class subscription is history (never rewritten): its cancellation is a row of its own, once.
create table dues.class_subscription_cancellation (
    class_subscription_id bigint        primary key references dues.class_subscription,
    member_id             bigint        not null references dues.member,
    class_id              bigint        not null references dues.class,
    end_date              date          not null,
    refund                numeric(14,2) not null default 0 check (refund >= 0),
    ledger_transaction_id bigint unique references dues.ledger_transaction,
    cancelled_on          date          not null,
    cancelled_at          timestamptz   not null default now(),
    cancelled_by          text          not null default dues.actor(),
    why                   text,
    constraint class_subscription_cancellation_refund check ((refund > 0) = (ledger_transaction_id is not null))
);
comment on table dues.class_subscription_cancellation is
    'Class subscriptions cancelled (api.class_subscription_cancel): end_date is the last day covered (before the '
    'subscription''s start_date: none), refund what went back from the class''s revenue to the member''s credit '
    '(ledger_transaction_id, kind class_subscription_refund), cancelled_on the site''s day of the cancellation.';
create index class_subscription_cancellation_member_idx on dues.class_subscription_cancellation (member_id);

-- A subscription cancelled before it began leaves its students group membership empty: the membership stays (history is
-- never deleted) but covers no day. Only a membership a class subscription gave may be empty.
alter table dues.group_membership drop constraint group_membership_during_check;
alter table dues.group_membership add constraint group_membership_during_check
    check ((not isempty(during) and lower(during) is not null) or (isempty(during) and class_subscription_id is not null));

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU700', 404, 'class subscription not found'),
    ('DU701', 409, 'class subscription is cancelled already'),
    ('DU702', 409, 'recurring subscriptions are cancelled with recurring_subscription_cancel'),
    ('DU703', 409, 'end date after the subscription''s last day');
