-- Records that a delivery could not be verified now (its secret setting is unset, the certificate could not be
-- fetched): it is unverified, and verified again after webhook_verify_backoff_seconds, doubling up to
-- webhook_verify_backoff_max_seconds. It is never given up.
create or replace function dues.webhook_verification_failed(p_id bigint, p_error text, p_now timestamptz)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.webhook_message := dues.webhook_message_lock(p_id);
    v_wait    numeric;
begin
    if v_message.state not in ('received', 'unverified') then
        -- verified meanwhile by another process: its answer stands
        return v_message.state;
    end if;
    v_wait := least(dues.setting_number('webhook_verify_backoff_seconds', 60) * 2 ^ least(v_message.verify_attempts, 30),
                    dues.setting_number('webhook_verify_backoff_max_seconds', 21600));
    update dues.webhook_message m
       set state = 'unverified',
           verify_attempts = m.verify_attempts + 1,
           verify_error = pg_catalog.left(coalesce(p_error, 'not verified'), 2000),
           verify_due_at = coalesce(p_now, pg_catalog.now()) + pg_catalog.make_interval(secs => v_wait)
     where m.id = p_id;
    perform dues.webhook_log_add(p_id, 'verification_failed', 'unverified',
                                 pg_catalog.format('attempt %s: %s; next try in %s s', v_message.verify_attempts + 1, p_error, v_wait));
    return 'unverified';
end
$$;
