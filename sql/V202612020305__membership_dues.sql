-- Membership dues as revenue: a site that takes its dues as payments (PayPal, bank transfers) without a recurring class
-- declares one class per currency its membership dues class (api.class_set_membership_dues). A member's payment is then
-- recognised as that class's revenue: what the payment leaves available once the member's open invoices are settled moves
-- from the member's credit to the class's revenue account (ledger kind membership_dues), and a receipt, one per payment,
-- records it, so that api.report_revenue shows the dues (docs/billing.md, "Membership dues as revenue").
alter table dues.class add column membership_dues boolean not null default false;
comment on column dues.class.membership_dues is
    'Whether members'' payments in the class''s currency are recognised as its revenue (one class per currency; '
    'api.class_set_membership_dues, docs/billing.md)';
create unique index class_membership_dues_key on dues.class (currency) where membership_dues;

-- One receipt per payment recognised as membership dues: its primary key makes the recognition happen once.
create table dues.membership_dues_receipt (
    payment_id            bigint        primary key references dues.payment,
    member_id             bigint        not null references dues.member,
    class_id              bigint        not null references dues.class,
    amount                numeric(14,2) not null check (amount > 0),
    currency              char(3)       not null references dues.currency,
    received_on           date          not null,
    ledger_transaction_id bigint        not null unique references dues.ledger_transaction,
    created_at            timestamptz   not null default now(),
    created_by            text          not null default dues.actor()
);
comment on table dues.membership_dues_receipt is
    'Membership dues: the part of a payment recognised as the revenue of the membership dues class of its currency (what the '
    'payment left available after the member''s open invoices), on its business day, with the ledger transaction that moved it '
    'from the member''s credit to the class''s revenue. One per payment.';
create index membership_dues_receipt_member_idx on dues.membership_dues_receipt (member_id);

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU733', 409, 'another class is the membership dues class of that currency'),
    ('DU734', 409, 'payment recognised as membership dues');
