-- Idempotency answers: a bound on the live keys of one caller, and an index
-- to count them and to find expired ones.

create index idempotency_owner_created_idx on dues.idempotency (owner, created_at);
create index idempotency_created_idx on dues.idempotency (created_at);

insert into dues.setting (name, value) values
    ('idempotency_max_keys', '1000')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU073', 429, 'too many live idempotency keys');
