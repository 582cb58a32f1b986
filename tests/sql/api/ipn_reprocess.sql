-- Tests of api.ipn_reprocess.

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
    return next throws_ok('select api.ipn_reprocess(-1)', 'DU100', null, 'an unknown message');
    return next throws_ok('select api.ipn_reprocess(null)', 'DU014', null, 'a null id');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
