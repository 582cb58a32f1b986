-- Records that the verification server did not answer: the message is retried
-- after an exponential backoff (paypal_verify_backoff_seconds, doubling, at
-- most paypal_verify_backoff_max_seconds). It is never given up.
create or replace function dues.ipn_verification_failed(p_id bigint, p_error text, p_now timestamptz)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.ipn_message := dues.ipn_lock(p_id);
    v_wait    numeric;
begin
    if v_message.state not in ('received', 'unverified') then
        -- another worker verified it meanwhile: its answer stands
        perform dues.ipn_log_add(p_id, 'verification_failed', v_message.state, 'ignored, already verified: ' || coalesce(p_error, ''));
        return;
    end if;
    v_wait := least(dues.setting_number('paypal_verify_backoff_seconds', 60) * 2 ^ least(greatest(v_message.verify_attempts - 1, 0), 30),
                    dues.setting_number('paypal_verify_backoff_max_seconds', 21600));
    update dues.ipn_message m
       set state = 'unverified',
           verify_error = pg_catalog.left(coalesce(p_error, 'no answer'), 2000),
           verify_due_at = coalesce(p_now, pg_catalog.now()) + pg_catalog.make_interval(secs => v_wait)
     where m.id = p_id;
    perform dues.ipn_log_add(p_id, 'verification_failed', 'unverified',
                             pg_catalog.format('attempt %s: %s; next try in %s s', v_message.verify_attempts, p_error, v_wait));
end
$$;
