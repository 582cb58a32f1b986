-- Claims a key for this transaction, or returns the stored answer. A
-- concurrent request with the same key waits here until the first commits
-- (the primary key), then gets its answer; if the first failed, this one runs.
create or replace function dues.idempotency_claim(p_owner text, p_key text, p_request_hash text)
returns table (status int, body text)
language plpgsql
set search_path = ''
as $$
declare
    v_row dues.idempotency;
begin
    delete from dues.idempotency i
     where i.owner = p_owner and i.key = p_key
       and i.created_at < pg_catalog.now() - interval '24 hours';
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
