-- Discounts: a code staff create (api.discount_create) that takes a percent or an amount off what a member pays for a
-- class. A member takes it by its code when subscribing (class_subscription_request, recurring_subscription_start gain an
-- argument discount_code), or staff grant it to a member's running recurring subscription (api.discount_grant). One
-- taking of a discount by a subscription (its order) is a claim, and max_uses counts claims; every amount it took off
-- is a use. An order's price is reduced when it is opened; a recurring subscription's periods each get an invoice line of
-- kind discount (negative, never more than the period line), for the discount's periods periods (null: all).

create table dues.discount (
    id          bigint generated always as identity primary key,
    code        text          not null check (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$'),
    percent     numeric(5,2) check (percent > 0 and percent <= 100),
    amount      numeric(14,2) check (amount > 0),
    currency    char(3) references dues.currency,
    valid_from  date          not null,
    valid_until date,
    max_uses    int check (max_uses > 0),
    periods     int check (periods > 0),
    created_at  timestamptz   not null default now(),
    created_by  text          not null default dues.actor(),
    ended_at    timestamptz,
    ended_by    text,
    constraint discount_kind check ((percent is null) <> (amount is null) and (amount is null) = (currency is null)),
    constraint discount_dates check (valid_until >= valid_from),
    constraint discount_ended check ((ended_at is null) = (ended_by is null))
);
comment on table dues.discount is
    'Discount codes: percent (of each amount it applies to) or amount (in currency, off each), taken from valid_from to '
    'valid_until (inclusive; null: no end), by at most max_uses subscriptions or orders (null: no limit), for periods '
    'periods of a recurring subscription (null: every period). Ended (ended_at) by staff: taken no more, and no period '
    'billed after is discounted.';
create unique index discount_code_key on dues.discount (lower(code));

create table dues.discount_class (
    discount_id bigint not null references dues.discount,
    class_id    bigint not null references dues.class,
    primary key (discount_id, class_id)
);
comment on table dues.discount_class is 'The classes a discount is for; a discount without rows here is for every class.';
create index discount_class_class_idx on dues.discount_class (class_id);

create table dues.discount_claim (
    id          bigint generated always as identity primary key,
    discount_id bigint      not null references dues.discount,
    member_id   bigint      not null references dues.member,
    class_id    bigint      not null references dues.class,
    order_id    bigint      not null unique references dues.subscription_order,
    how         text        not null check (how in ('code', 'grant')),
    claimed_on  date        not null,
    created_at  timestamptz not null default now(),
    created_by  text        not null default dues.actor()
);
comment on table dues.discount_claim is
    'A discount taken by one order (and the class subscription it becomes): by its code when the order was opened, or '
    'granted by staff to a running recurring subscription. One discount per order; max_uses counts these rows (those of '
    'cancelled orders excepted).';
create index discount_claim_discount_idx on dues.discount_claim (discount_id);
create index discount_claim_member_idx on dues.discount_claim (member_id);

create table dues.discount_use (
    id                bigint generated always as identity primary key,
    discount_claim_id bigint        not null references dues.discount_claim,
    member_id         bigint        not null references dues.member,
    order_id          bigint        not null references dues.subscription_order,
    invoice_line_id   bigint unique references dues.invoice_line,
    discounted_line_id bigint unique references dues.invoice_line,
    amount            numeric(14,2) not null check (amount > 0),
    used_on           date          not null,
    created_at        timestamptz   not null default now(),
    created_by        text          not null default dues.actor(),
    constraint discount_use_line check ((invoice_line_id is null) = (discounted_line_id is null))
);
comment on table dues.discount_use is
    'Every amount a discount took off: from an order''s price (invoice_line_id null) or from a period of a recurring '
    'subscription (invoice_line_id: the invoice''s discount line, discounted_line_id: the period line it reduces; a voided '
    'line''s use no longer counts towards periods).';
create index discount_use_claim_idx on dues.discount_use (discount_claim_id);
create index discount_use_member_idx on dues.discount_use (member_id);

-- an invoice line of kind discount is negative; every other line stays positive
alter table dues.invoice_line drop constraint invoice_line_kind_check;
alter table dues.invoice_line add constraint invoice_line_kind_check
    check (kind in ('period', 'setup_fee', 'charge', 'discount'));
alter table dues.invoice_line drop constraint invoice_line_amount_check;
alter table dues.invoice_line add constraint invoice_line_amount_check
    check (case when kind = 'discount' then amount < 0 else amount > 0 end);
alter table dues.invoice_line add constraint invoice_line_discount
    check (kind <> 'discount' or class_subscription_id is not null);

-- a fully discounted invoice (total 0) is issued, numbered and paid without a ledger transaction (nothing moves)
alter table dues.invoice drop constraint invoice_numbered;
alter table dues.invoice add constraint invoice_numbered check (
    (number_seq is null) = (number is null) and (number_seq is null) = (number_year is null)
    and (number_seq is null or issue_transaction_id is not null or total = 0)
    and (issue_transaction_id is null or number_seq is not null)
    and (number_seq is null) = (issue_date is null) and (issue_date is null) = (due_date is null));

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU720', 404, 'discount not found'),
    ('DU721', 409, 'discount not valid on this day'),
    ('DU722', 409, 'discount used up'),
    ('DU723', 409, 'discount not for this class'),
    ('DU724', 409, 'discount ended'),
    ('DU725', 409, 'discount code taken'),
    ('DU726', 422, 'discount terms not valid'),
    ('DU727', 409, 'order holds a discount already'),
    ('DU728', 409, 'no running subscription to grant the discount to');

-- A discount as api.discount_list and discount_create answer it: its terms, classes, and how much it was used.
create type dues.discount_view as (
    id          bigint,
    code        text,
    percent     numeric(5,2),
    amount      numeric(14,2),
    currency    char(3),
    valid_from  date,
    valid_until date,
    max_uses    int,
    periods     int,
    class_ids   bigint[],
    uses        int,
    discounted  numeric(14,2),
    ended_at    timestamptz,
    created_at  timestamptz,
    created_by  text
);

-- class_subscription_request, recurring_subscription_start and dues.order_open take a discount code: their signatures
-- change, so the old ones go (made again by their files in procs/).
drop function if exists api.class_subscription_request(bigint, bigint, jsonb);
drop function if exists api.recurring_subscription_start(bigint, bigint, jsonb);
drop function if exists dues.order_open(bigint, bigint, jsonb, date);

-- Households: a recurring class may price a master together with its linked members (class parameter household_amount).
insert into dues.subscription_parameter_template (rule, name, type, scope, required, description) values
    ('recurring', 'household_amount', 'money', 'class', false,
     'Amount per period for a master with linked members on the period''s first day (the household, billed once to the master)')
on conflict do nothing;
