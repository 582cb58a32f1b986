-- Tests of dues.ipn_intake.

create or replace function tests.test_ipn_intake__stores_a_notification_for_us_to_be_verified()
returns setof text
language plpgsql
as $$
declare
    v_sender text := 'fx sender ' || nextval('tests.fx_seq');
    v_body   bytea := tests.fx_ipn_body('subscr_payment', 'ann@example.org', tests.fx_txn());
    v_row    record;
begin
    select * into v_row from dues.ipn_intake(v_body, '{}', v_sender);
    return next is(v_row.state, 'received', 'a form naming our receiver waits for verification');
    return next is((select body from dues.ipn_message where id = v_row.id), v_body, 'stored byte for byte');
    return next is((select sender from dues.ipn_message where id = v_row.id), v_sender, 'with the address it came from');
    return next is((select count(*)::int from dues.ipn_intake(v_body, '{}', v_sender)), 1,
                   'every notification for us is stored, however often it comes');
end
$$;

create or replace function tests.test_ipn_intake__keeps_anything_else_once_a_minute_per_sender_unverified()
returns setof text
language plpgsql
as $$
declare
    v_sender text := 'fx sender ' || nextval('tests.fx_seq');
    v_other  text := 'fx sender ' || nextval('tests.fx_seq');
    v_theirs bytea := tests.fx_ipn_body('subscr_payment', 'ann@example.org', tests.fx_txn(),
                                        array['receiver_email', 'thief@example.org', 'business', 'thief@example.org']);
    v_row    record;
    v_now    timestamptz := now();
begin
    select * into v_row from dues.ipn_intake('not a form at all'::bytea, '{}', v_sender);
    return next is(v_row.state, 'rejected', 'a body that is no form for us is kept as rejected');
    return next is((select verification from dues.ipn_message where id = v_row.id), null, 'it is not verified');
    return next is_empty(format('select id from dues.ipn_pending(%L, 1000) where id = %s', v_now + interval '1 day', v_row.id),
                         'and never claimed for verification: never posted on to PayPal');
    return next is_empty(format('select * from dues.ipn_intake(%L::bytea, %L, %L)', v_theirs, '{}', v_sender),
                         'another one from the same sender within the minute is not stored');
    return next is((select count(*)::int from dues.ipn_message where sender = v_sender), 1, 'one row for that sender');
    return next is((select state from dues.ipn_intake(v_theirs, '{}', v_other)), 'rejected',
                   'a form for another receiver from another sender is kept once too');
    update dues.ipn_message set received_at = received_at - interval '61 seconds' where sender = v_sender;
    return next is((select state from dues.ipn_intake(v_theirs, '{}', v_sender)), 'rejected', 'a minute later, one more');
end
$$;

create or replace function tests.test_ipn_intake__leases_a_notification_its_caller_verifies_itself()
returns setof text
language plpgsql
as $$
declare
    v_sender text := 'fx sender ' || nextval('tests.fx_seq');
    v_leased record;
    v_due    record;
    v_junk   record;
begin
    select * into v_leased from dues.ipn_intake(tests.fx_ipn_body('subscr_payment', 'ann@example.org', tests.fx_txn()), '{}', v_sender, true);
    select * into v_due from dues.ipn_intake(tests.fx_ipn_body('subscr_payment', 'ann@example.org', tests.fx_txn()), '{}', v_sender, false);
    return next is(v_leased.state, 'received', 'a leased notification waits for verification like any other');
    return next results_eq(format('select id from dues.ipn_pending(now(), 1000) where id in (%s, %s)', v_leased.id, v_due.id),
                           format('values (%s::bigint)', v_due.id),
                           'a worker claims the one stored without a lease at once, not the one its caller verifies');
    return next is((select count(*)::int
                      from dues.ipn_pending(now() + make_interval(secs => dues.setting_number('paypal_verify_lease_seconds', 120) + 1), 1000)
                     where id = v_leased.id), 1,
                   'when its caller did not record a verdict within the lease, a worker takes it');
    select * into v_junk from dues.ipn_intake('not a form'::bytea, '{}', v_sender, true);
    return next is((select (state, verify_attempts) from dues.ipn_message where id = v_junk.id), ('rejected'::text, 0),
                   'anything else is kept as rejected, leased or not: never verified');
end
$$;
