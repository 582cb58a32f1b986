-- Appends a step to a message's history.
create or replace function dues.ipn_log_add(p_message_id bigint, p_event text, p_state text, p_detail text)
returns void
language sql
set search_path = ''
as $$
    insert into dues.ipn_log (message_id, event, state, detail) values (p_message_id, p_event, p_state, p_detail)
$$;
