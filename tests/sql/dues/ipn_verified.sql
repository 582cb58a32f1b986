-- Tests of dues.ipn_verified.

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
    return next throws_ok($q$select dues.ipn_verified(-1, 'VERIFIED')$q$, 'DU100', null, 'an unknown id');
    return next throws_ok($q$select dues.ipn_verification_failed(-1, 'x', now())$q$, 'DU100', null,
                          'an unknown id, failing');
    return next throws_ok($q$select dues.ipn_verified(null, 'VERIFIED')$q$, 'DU014', null, 'a null id');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
