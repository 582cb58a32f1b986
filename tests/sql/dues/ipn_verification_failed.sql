-- Tests of dues.ipn_verification_failed.

create or replace function tests.test_ipn_verification_failed__retries_with_backoff_forever()
returns setof text
language plpgsql
as $$
declare
    v_now timestamptz := now();
    v_id  bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'a@example.org'), '{}');
begin
    perform dues.ipn_pending(v_now, 10);
    perform dues.ipn_verification_failed(v_id, 'connection refused', v_now);
    return next is(tests.fx_ipn_state(v_id), 'unverified', 'a message whose verification failed is unverified');
    return next is((select verify_error from dues.ipn_message where id = v_id), 'connection refused', 'the error is kept');
    return next is((select verify_due_at from dues.ipn_message where id = v_id), v_now + interval '60 seconds',
                   'it is retried after the base backoff');
    return next is_empty(format('select id from dues.ipn_pending(%L, 10)', v_now + interval '59 seconds'), 'not before');
    perform dues.ipn_pending(v_now + interval '60 seconds', 10);
    perform dues.ipn_verification_failed(v_id, 'timeout', v_now + interval '60 seconds');
    return next is((select verify_due_at from dues.ipn_message where id = v_id), v_now + interval '180 seconds',
                   'the wait doubles');
    update dues.ipn_message set verify_attempts = 40 where id = v_id;
    perform dues.ipn_verification_failed(v_id, 'timeout', v_now);
    return next is((select verify_due_at from dues.ipn_message where id = v_id), v_now + interval '6 hours',
                   'up to paypal_verify_backoff_max_seconds: it is never given up');
    return next is((select count(*) from dues.ipn_log where message_id = v_id and event = 'verification_failed'), 3::bigint,
                   'every failed attempt is in its history');
end
$$;
