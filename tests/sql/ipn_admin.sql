-- Tests of api.ipn_list, api.ipn_get and api.ipn_reprocess: what admins see of payment notifications.

create or replace function tests.test_ipn_list__lists_by_state_newest_first()
returns setof text
language plpgsql
as $$
declare
    v_member    bigint := tests.fx_joined_member();
    v_processed bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_signup', tests.fx_email(v_member)));
    v_unmatched bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_signup', 'nobody' || v_member || '@example.org'));
    v_received  bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', tests.fx_email(v_member)), '{}');
begin
    return next results_eq(format('select id, state, txn_type, member_id from api.ipn_list() where id in (%s, %s, %s)',
                                  v_processed, v_unmatched, v_received),
                           format($q$values (%s::bigint, 'received'::text, null::text, null::bigint),
                                            (%s, 'unmatched', 'subscr_signup', null),
                                            (%s, 'processed', 'subscr_signup', %s)$q$, v_received, v_unmatched, v_processed, v_member),
                           'every message, newest first, with what became of it');
    return next results_eq(format('select id from api.ipn_list(%L) where id in (%s, %s, %s)', 'unmatched', v_processed, v_unmatched, v_received),
                           format('values (%s::bigint)', v_unmatched), 'or those in one state');
    return next is((select count(*) from api.ipn_list(null, 1)), 1::bigint, 'at most limit rows');
    return next throws_ok('select * from api.ipn_list(''lost'')', 'DU013', 'state lost is unknown', 'an unknown state');
    return next throws_ok('select * from api.ipn_list(null, 0)', 'DU013', 'limit must be a positive number, got 0', 'a limit below 1');
end
$$;

create or replace function tests.test_ipn_get__shows_the_raw_message_and_its_history()
returns setof text
language plpgsql
as $$
declare
    v_body   bytea := tests.fx_ipn_body('subscr_signup', 'ann@example.org');
    v_id     bigint := dues.ipn_receive(v_body, '{"content-type": "application/x-www-form-urlencoded"}');
    v_detail dues.ipn_detail;
begin
    perform dues.ipn_verification_failed(v_id, 'connection refused', now());
    perform dues.ipn_verified(v_id, 'VERIFIED');
    v_detail := api.ipn_get(v_id);
    return next is(v_detail.body, convert_from(v_body, 'UTF8'), 'the raw body, as text');
    return next is(v_detail.headers, '{"content-type": "application/x-www-form-urlencoded"}'::jsonb, 'the headers');
    return next is(v_detail.fields ->> 'payer_email', 'ann@example.org', 'the decoded fields');
    return next is(v_detail.verification, 'VERIFIED', 'PayPal''s answer');
    return next results_eq(format($q$select e ->> 'event', e ->> 'state' from jsonb_array_elements(%L::jsonb) e$q$, v_detail.history),
                           $q$values ('verification_failed'::text, 'unverified'::text), ('verified', 'unverified'), ('processed', 'unmatched')$q$,
                           'and its history, oldest first');
    return next throws_ok('select api.ipn_get(-1)', 'DU100', 'payment notification -1 not found', 'an unknown message');
end
$$;

create or replace function tests.test_ipn_reprocess__processes_a_rejected_message_once_fixed()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_id     bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn(),
                                                      array['receiver_email', 'Dues@Example.net', 'business', 'Dues@Example.net']));
begin
    return next is(tests.fx_ipn_state(v_id), 'rejected', 'rejected while the receiver setting is wrong');
    update dues.setting set value = 'dues@example.net' where name = 'paypal_receiver_email';
    return next is((api.ipn_reprocess(v_id)).state, 'processed', 're-processed once the setting is fixed (compared case-insensitively)');
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'the payment is registered');
    return next throws_ok(format('select api.ipn_reprocess(%s)', v_id), 'DU101',
                          format('payment notification %s is processed: only unmatched, ambiguous, held, rejected or failed ones are processed again', v_id),
                          'a processed message is not processed again');
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'nor paid twice');
    return next is((select count(*) from dues.ipn_log where message_id = v_id and event = 'reprocess'), 1::bigint,
                   'who asked for it is in the history');
end
$$;

create or replace function tests.test_ipn_reprocess__refuses_unverified_invalid_and_unknown_messages()
returns setof text
language plpgsql
as $$
declare
    v_received bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'a@example.org'), '{}');
    v_invalid  bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'a@example.org'), '{}');
    v_before   jsonb;
begin
    perform dues.ipn_verified(v_invalid, 'INVALID');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.ipn_reprocess(%s)', v_received), 'DU101', null, 'a message not verified yet');
    return next throws_ok(format('select api.ipn_reprocess(%s)', v_invalid), 'DU101', null, 'an invalid message');
    return next throws_ok('select api.ipn_reprocess(-1)', 'DU100', 'payment notification -1 not found', 'an unknown message');
    return next throws_ok('select api.ipn_reprocess(null)', 'DU014', 'argument id is required', 'a null id');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;

create or replace function tests.test_ipn_admin__is_for_staff_only()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_id     bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_signup', 'nobody@example.org'));
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok('select * from api.ipn_list()', '42501', 'only staff may do this', 'a member cannot list notifications');
    return next throws_ok(format('select api.ipn_get(%s)', v_id), '42501', 'only staff may do this', 'nor read one');
    return next throws_ok(format('select api.ipn_reprocess(%s)', v_id), '42501', 'only staff may do this', 'nor re-process one');
    return next is(tests.fx_ipn_state(v_id), 'unmatched', 'which is left as it was');
end
$$;
