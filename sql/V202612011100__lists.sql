-- One convention for the lists of the api (README, "Lists"): limit (50 by default, at most 500) and keyset after (the
-- last id seen), newest first. A limit outside 1..500 or an after below 1 is refused with a 400, as a value that does not
-- convert is. And the indexes that keep the lists and their searches from reading whole tables.

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU300', 400, 'list limit out of range'),
    ('DU301', 400, 'list position not valid');

-- member_list's q finds a part of a name or an e-mail address, case-insensitively: a trigram index answers it
-- without reading every member
create extension if not exists pg_trgm with schema public;
create index member_search_idx on dues.member using gin ((name || ' ' || email) public.gin_trgm_ops);

-- order_list of one member, newest first (the existing index holds only confirmed orders)
create index subscription_order_member_list_idx on dues.subscription_order (member_id, id);

-- outbox_list of what is not sent (pending, sending, dead: a few rows among all that were sent), newest first
create index outbox_unsent_idx on dues.outbox (state, id) where state <> 'sent';

-- payment_get's notification of a payment
create index ipn_message_payment_idx on dues.ipn_message (payment_id) where payment_id is not null;
