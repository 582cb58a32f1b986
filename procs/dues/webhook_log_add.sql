-- Appends a step to the history of a webhook delivery or event.
create or replace function dues.webhook_log_add(p_webhook_id bigint, p_event text, p_state text, p_detail text)
returns void
language sql
set search_path = ''
as $$
    insert into dues.webhook_log (webhook_id, event, state, detail) values (p_webhook_id, p_event, p_state, p_detail)
$$;
