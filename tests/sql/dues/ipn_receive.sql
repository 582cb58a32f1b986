-- Tests of dues.ipn_receive.

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
