-- Records that a resource could not be fetched (the API did not answer, refused the key, or no key is set): it is
-- asked for again after webhook_verify_backoff_seconds, doubling up to webhook_verify_backoff_max_seconds; the events
-- waiting for it keep waiting.
create or replace function dues.webhook_fetch_failed(p_provider text, p_path text, p_error text, p_now timestamptz)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_attempts int;
begin
    update dues.webhook_resource r
       set attempts = r.attempts + 1, error = pg_catalog.left(coalesce(p_error, 'not fetched'), 2000),
           due_at = coalesce(p_now, pg_catalog.now())
                    + pg_catalog.make_interval(secs => least(dues.setting_number('webhook_verify_backoff_seconds', 60) * 2 ^ least(r.attempts, 30),
                                                             dues.setting_number('webhook_verify_backoff_max_seconds', 21600)))
     where r.provider = p_provider and r.path = p_path and r.fetched_at is null
    returning r.attempts into v_attempts;
    if found then
        perform dues.webhook_log_add(e.id, 'fetch_failed', e.state, pg_catalog.format('%s, attempt %s: %s', p_path, v_attempts, p_error))
           from dues.webhook_event e
          where e.provider = p_provider and e.state = 'waiting' and e.waiting_for = p_path;
    end if;
end
$$;
