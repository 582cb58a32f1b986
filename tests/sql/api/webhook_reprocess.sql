-- Tests of api.webhook_reprocess.

create or replace function tests.test_webhook_reprocess__staff_names_the_member_of_an_unmatched_event()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_event  dues.webhook_event := tests.fx_stripe_paid(tests.fx_ref('stranger') || '@example.org', 4000);
    v_after  dues.webhook_summary;
begin
    return next is(v_event.state, 'unmatched', 'nobody has the payer''s e-mail');
    v_after := api.webhook_reprocess(v_event.id, v_member);
    return next is(v_after.state, 'processed', 'staff names the member');
    return next is(tests.fx_member_balance(v_member), 40.00::numeric, 'who is paid');
    return next is((select member_id from dues.member_provider_ref where ref = (v_event.refs)[1]), v_member,
                   'and holds the event''s customer id from now on');
    return next throws_ok(format('select api.webhook_reprocess(%s)', v_event.id), 'DU604',
                          format('webhook event %s is processed: only unmatched, ambiguous, held, failed or waiting ones are processed again', v_event.id),
                          'a processed event is not processed again');
    return next is(tests.fx_member_balance(v_member), 40.00::numeric, 'nor paid twice');
    return next is((select count(*) from dues.webhook_log where webhook_id = v_event.id and event = 'reprocess'), 1::bigint,
                   'who asked for it is in the history');
    return next throws_ok(format('select api.webhook_reprocess(%s, -1)', v_event.id), 'DU001', null, 'an unknown member');
    return next throws_ok('select api.webhook_reprocess(-1)', 'DU603', null, 'an unknown webhook');
    return next throws_ok('select api.webhook_reprocess(null)', 'DU014', null, 'a null id');
end
$$;

create or replace function tests.test_webhook_reprocess__verifies_an_invalid_delivery_again()
returns setof text
language plpgsql
as $$
declare
    v_id     bigint := dues.webhook_intake('stripe', convert_to('{}', 'UTF8'), '{}', null);
    v_before jsonb;
begin
    perform dues.webhook_verified(v_id, false, 'no v1 signature matches the body');
    return next is((api.webhook_reprocess(v_id)).state, 'unverified', 'an invalid delivery is verified again (the secret was wrong)');
    return next ok(exists (select from dues.webhook_pending(now(), 1000) where id = v_id), 'by the worker, now');
    perform dues.webhook_verified(v_id, true);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.webhook_reprocess(%s)', v_id), 'DU604', null, 'not once verified');
    return next throws_ok(format('select api.webhook_reprocess(%s, %s)', v_id, tests.fx_member()), 'DU604', null,
                          'nor for a member');
    return next is(tests.fx_state() - 'member' - 'ledger_account', v_before - 'member' - 'ledger_account', 'nothing changed');
end
$$;
