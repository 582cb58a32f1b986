-- Claims a key for this transaction, or returns the stored answer. A
-- concurrent request with the same key waits here until the first commits
-- (the primary key), then gets its answer; if the first failed, this one runs.
-- A caller that holds idempotency_max_keys (1000) live keys gets DU073 for a new one.
create or replace function dues.idempotency_claim(p_owner text, p_key text, p_request_hash text)
returns table (status int, body text)
language plpgsql
set search_path = ''
as $$
declare
    v_row   dues.idempotency;
    v_since timestamptz := pg_catalog.now()
                           - pg_catalog.make_interval(hours => dues.setting_number('idempotency_retention_hours', 24)::int);
    v_max   int := dues.setting_number('idempotency_max_keys', 1000)::int;
begin
    delete from dues.idempotency i
     where i.owner = p_owner and i.key = p_key and i.created_at < v_since;
    if not exists (select from dues.idempotency i where i.owner = p_owner and i.key = p_key)
       and (select pg_catalog.count(*) from (select from dues.idempotency i
                                              where i.owner = p_owner and i.created_at >= v_since
                                              limit v_max) live) >= v_max then
        raise exception 'this caller holds % live idempotency keys, the most it may', v_max
            using errcode = 'DU073',
                  hint = 'reuse a key only for a retry; keys are forgotten after idempotency_retention_hours';
    end if;
    insert into dues.idempotency (owner, key, request_hash)
    values (p_owner, p_key, p_request_hash)
    on conflict do nothing;
    if found then
        return;
    end if;
    select * into v_row from dues.idempotency i where i.owner = p_owner and i.key = p_key;
    if v_row.request_hash <> p_request_hash then
        raise exception 'idempotency key % was used with a different request', p_key
            using errcode = 'DU070',
                  hint = 'use a new key for a new request';
    end if;
    return query select v_row.status, v_row.body;
end
$$;
