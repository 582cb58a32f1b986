-- Stores a message exactly as received and returns its id. Nothing else: it
-- must never fail, so that the message is committed before PayPal gets its 200.
create or replace function dues.ipn_receive(p_body bytea, p_headers jsonb)
returns bigint
language sql
set search_path = ''
as $$
    insert into dues.ipn_message (body, headers)
    values (coalesce(p_body, ''::bytea), coalesce(p_headers, '{}'::jsonb))
    returning id
$$;
