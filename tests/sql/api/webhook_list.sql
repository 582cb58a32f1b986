-- Tests of api.webhook_list.

create or replace function tests.test_webhook_list__lists_deliveries_and_events_by_provider_and_state()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_event   dues.webhook_event := tests.fx_stripe_paid(tests.fx_email(v_member), 1500);
    v_invalid bigint := dues.webhook_intake('gocardless', convert_to('{}', 'UTF8'), '{}', null);
begin
    perform dues.webhook_verified(v_invalid, false, 'Webhook-Signature does not match the body');
    return next results_eq(format('select id, kind, state, message_id, member_id from api.webhook_list() where id in (%s, %s, %s)',
                                  v_event.id, v_event.message_id, v_invalid),
                           format($q$values (%s::bigint, 'delivery'::text, 'invalid'::text, %s::bigint, null::bigint),
                                            (%s, 'event', 'processed', %s, %s),
                                            (%s, 'delivery', 'verified', %s, null)$q$,
                                  v_invalid, v_invalid, v_event.id, v_event.message_id, v_member, v_event.message_id, v_event.message_id),
                           'deliveries and events, newest first, with what became of them');
    return next results_eq(format('select id from api.webhook_list(%L) where id in (%s, %s, %s)', 'gocardless', v_event.id,
                                  v_event.message_id, v_invalid),
                           format('values (%s::bigint)', v_invalid), 'of one provider');
    return next results_eq(format('select id from api.webhook_list(null, %L) where id in (%s, %s, %s)', 'processed', v_event.id,
                                  v_event.message_id, v_invalid),
                           format('values (%s::bigint)', v_event.id), 'in one state');
    return next is((select count(*) from api.webhook_list(null, null, 1)), 1::bigint, 'at most limit rows');
    return next throws_ok('select * from api.webhook_list(''square'')', 'DU019', null, 'an unknown provider');
    return next throws_ok('select * from api.webhook_list(null, ''lost'')', 'DU019', null, 'an unknown state');
    return next results_eq(format('select id from api.webhook_list(null, null, 50, %s) where id in (%s, %s, %s)', v_invalid,
                                  v_event.id, v_event.message_id, v_invalid),
                           format('values (%s::bigint), (%s::bigint)', v_event.id, v_event.message_id), 'the page after an id');
    return next throws_ok('select * from api.webhook_list(null, null, 0)', 'DU300', null, 'a limit below 1');
    return next throws_ok('select * from api.webhook_list(null, null, 501)', 'DU300', null, 'a limit above 500');
    return next throws_ok('select * from api.webhook_list(null, null, 10, 0)', 'DU301', null, 'an after below 1');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select * from api.webhook_list()', '42501', null, 'a member may not list them');
end
$$;
