-- Tests of the IPN intake the Rust side calls: dues.ipn_receive, ipn_pending, ipn_verified, ipn_verification_failed.

create or replace function tests.test_ipn_receive__stores_the_message_as_is()
returns setof text
language plpgsql
as $$
declare
    v_body bytea := tests.fx_ipn_body('subscr_payment', 'ann@example.org', tests.fx_txn());
    v_id   bigint := dues.ipn_receive(v_body, '{"content-type": "application/x-www-form-urlencoded", "user-agent": "PayPal IPN ( https://www.paypal.com/ipn )"}');
begin
    return next is((select body from dues.ipn_message where id = v_id), v_body, 'the body is stored byte for byte');
    return next is((select headers ->> 'user-agent' from dues.ipn_message where id = v_id), 'PayPal IPN ( https://www.paypal.com/ipn )',
                   'with its headers');
    return next is((select state from dues.ipn_message where id = v_id), 'received', 'it waits for verification');
    return next ok((select received_at from dues.ipn_message where id = v_id) is not null, 'the time it was received is kept');
    return next is((select fields from dues.ipn_message where id = v_id), null, 'nothing else happened: it is not even decoded');
    return next throws_ok(format('delete from dues.ipn_message where id = %s', v_id), 'DU042', null, 'a received message is never deleted');
end
$$;

create or replace function tests.test_ipn_receive__never_fails_on_any_input()
returns setof text
language plpgsql
as $$
begin
    return next lives_ok($q$select dues.ipn_receive('\x00ff00fe2526'::bytea, '[1, 2]')$q$, 'arbitrary bytes and headers that are not an object');
    return next lives_ok($q$select dues.ipn_receive(null, null)$q$, 'nothing at all');
    return next lives_ok(format('select dues.ipn_receive(%L::bytea, %L)', repeat('x=y&', 100000), '{}'), 'a large body');
    return next is((select body from dues.ipn_message where body = '\x00ff00fe2526'::bytea), '\x00ff00fe2526'::bytea,
                   'the odd body is kept as it came');
    return next is((select headers from dues.ipn_message where body = ''::bytea order by id desc limit 1), '{}'::jsonb,
                   'missing headers are kept as an empty object');
end
$$;

create or replace function tests.test_ipn_pending__claims_each_message_once_per_lease()
returns setof text
language plpgsql
as $$
declare
    v_now timestamptz := now();
    v_a   bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'a@example.org'), '{}');
    v_b   bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'b@example.org'), '{}');
begin
    return next results_eq(format('select id, body from dues.ipn_pending(%L, 1)', v_now),
                           format('select id, body from dues.ipn_message where id = %s', v_a),
                           'the oldest received message is claimed with its body, up to the limit');
    return next results_eq(format('select id from dues.ipn_pending(%L, 10)', v_now), format('values (%s::bigint)', v_b),
                           'a claimed message is not claimed again while its lease runs');
    return next is_empty(format('select id from dues.ipn_pending(%L, 10)', v_now + interval '119 seconds'),
                         'nor a little later');
    return next results_eq(format('select id from dues.ipn_pending(%L, 10)', v_now + interval '121 seconds'),
                           format('values (%s::bigint), (%s)', v_a, v_b),
                           'a lease that ran out (a worker that died) lets it be claimed again');
    return next is((select verify_attempts from dues.ipn_message where id = v_a), 2, 'each claim counts as an attempt');
end
$$;

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

create or replace function tests.test_ipn_verified__invalid_is_kept_marked_and_has_no_effect()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_id     bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn()), '{}');
begin
    return next is(dues.ipn_verified(v_id, 'INVALID'), 'invalid', 'PayPal''s INVALID marks the message invalid');
    return next is((select verification from dues.ipn_message where id = v_id), 'INVALID', 'the answer is recorded');
    return next is_empty(format('select * from dues.payment where member_id = %s', v_member), 'no payment was registered');
    return next ok(tests.fx_in_group(v_member, 'pending_payments') and not tests.fx_in_group(v_member, 'members'),
                   'the member still waits for a payment');
    return next is((select count(*) from dues.ipn_message where id = v_id), 1::bigint, 'the message is kept');
    return next is(dues.ipn_verified(v_id, 'VERIFIED'), 'invalid', 'a later answer changes nothing');
    return next is_empty(format('select * from dues.ipn_pending(now() + interval %L, 100) where id = %s', '1 day', v_id),
                         'it is not verified again');
end
$$;

create or replace function tests.test_ipn_verified__another_answer_is_a_failed_verification()
returns setof text
language plpgsql
as $$
declare
    v_id bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'a@example.org'), '{}');
begin
    return next is(dues.ipn_verified(v_id, '<html>Service Unavailable</html>'), 'unverified', 'an answer that is neither is not trusted');
    return next is((select verification from dues.ipn_message where id = v_id), null, 'nothing is recorded as PayPal''s answer');
    return next matches((select verify_error from dues.ipn_message where id = v_id), '^unexpected answer: <html>', 'the answer is kept as the error');
    return next is(dues.ipn_verified(v_id, ' VERIFIED '), 'unmatched',
                   'a later VERIFIED (surrounding blanks aside) processes it: its payer is no member, so it is unmatched');
end
$$;

create or replace function tests.test_ipn_verified__a_late_failure_does_not_undo_a_verification()
returns setof text
language plpgsql
as $$
declare
    v_id bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'a@example.org'), '{}');
begin
    perform dues.ipn_verified(v_id, 'INVALID');
    perform dues.ipn_verification_failed(v_id, 'timeout', now());
    return next is(tests.fx_ipn_state(v_id), 'invalid', 'a worker whose verification timed out after another''s answer changes nothing');
end
$$;

create or replace function tests.test_ipn_verified__refuses_unknown_messages()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok($q$select dues.ipn_verified(-1, 'VERIFIED')$q$, 'DU100', 'payment notification -1 not found', 'an unknown id');
    return next throws_ok($q$select dues.ipn_verification_failed(-1, 'x', now())$q$, 'DU100', 'payment notification -1 not found',
                          'an unknown id, failing');
    return next throws_ok($q$select dues.ipn_verified(null, 'VERIFIED')$q$, 'DU014', 'argument id is required', 'a null id');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;

create or replace function tests.test_ipn_process__refuses_an_unverified_message()
returns setof text
language plpgsql
as $$
declare
    v_id bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'a@example.org'), '{}');
begin
    return next throws_ok(format('select dues.ipn_process(%s)', v_id), 'DU101',
                          format('payment notification %s is not verified (state received)', v_id),
                          'only a message PayPal verified is processed');
end
$$;
