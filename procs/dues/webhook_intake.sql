-- What `POST /webhooks/stripe`, `/webhooks/gocardless` and `/webhooks/paypal-rest` store: the delivery exactly as
-- received, with the address it came from; returns its id. It cannot fail on any body, so that the delivery is committed
-- before the provider gets its answer. The caller verifies it at once: the worker leaves it alone for
-- webhook_verify_lease_seconds, then verifies it when the caller could not.
create or replace function dues.webhook_intake(p_provider text, p_body bytea, p_headers jsonb, p_sender text)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_id bigint;
begin
    insert into dues.webhook_message (provider, body, headers, sender, verify_due_at)
    values (p_provider, coalesce(p_body, ''::bytea), coalesce(p_headers, '{}'::jsonb), p_sender,
            pg_catalog.now() + pg_catalog.make_interval(secs => dues.setting_number('webhook_verify_lease_seconds', 120)))
    returning id into v_id;
    return v_id;
end
$$;
