-- Stores the answer of the request that claimed the key.
create or replace function dues.idempotency_store(p_owner text, p_key text, p_status int, p_body text)
returns void
language sql
set search_path = ''
as $$
    update dues.idempotency i
       set status = p_status, body = p_body, completed_at = pg_catalog.now()
     where i.owner = p_owner and i.key = p_key
$$;
