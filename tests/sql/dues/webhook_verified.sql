-- Tests of dues.webhook_verified (and dues.webhook_intake, dues.webhook_events_read, dues.webhook_event_process): a
-- valid delivery keeps each event once and processes it; an invalid or malformed one has no effect.

create or replace function tests.test_webhook_verified__keeps_each_event_once_however_often_delivered()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_event  jsonb := tests.fx_stripe_event(tests.fx_ref('evt_'), 'checkout.session.completed',
                          jsonb_build_object('mode', 'payment', 'payment_status', 'paid', 'amount_total', 2500, 'currency', 'usd',
                                             'customer_details', jsonb_build_object('email', tests.fx_email(v_member)),
                                             'payment_intent', tests.fx_ref('pi_')));
    v_first  jsonb := tests.fx_webhook('stripe', v_event);
    v_again  jsonb := tests.fx_webhook('stripe', v_event);
    v_third  jsonb := tests.fx_webhook('stripe', v_event);
begin
    return next is(v_first #>> '{events,0,state}', 'processed', 'the first delivery processes the event');
    return next is(v_again #>> '{events,0,duplicate}', 'true', 'a second delivery is known as a duplicate');
    return next is(v_third #>> '{events,0,id}', v_first #>> '{events,0,id}', 'naming the event the first kept');
    return next is((select count(*) from dues.payment where member_id = v_member), 1::bigint, 'one payment for three deliveries');
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'of the amount in dollars');
    return next is((tests.fx_webhook_event('stripe', v_event ->> 'id')).deliveries, 3, 'the event counts its deliveries');
    return next is((select count(*) from dues.webhook_message where id in ((v_first ->> 'message_id')::bigint,
                                                                           (v_again ->> 'message_id')::bigint,
                                                                           (v_third ->> 'message_id')::bigint)
                                                                   and state = 'verified'), 3::bigint,
                   'every delivery is kept as received');
    return next is(dues.webhook_verified((v_first ->> 'message_id')::bigint, true) #>> '{events,0,state}', 'processed',
                   'a verdict given again changes nothing and answers the same');
    return next is_empty('select * from api.ledger_check()', 'the ledger balances');
end
$$;

create or replace function tests.test_webhook_verified__an_invalid_signature_has_no_effect()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_id     bigint := dues.webhook_intake('stripe', convert_to(tests.fx_stripe_event(tests.fx_ref('evt_'), 'invoice.paid',
                           jsonb_build_object('customer_email', tests.fx_email(v_member), 'amount_paid', 100, 'currency', 'usd',
                                              'payment_intent', tests.fx_ref('pi_')))::text, 'UTF8'), '{}', '10.0.0.1');
    v_result jsonb;
begin
    v_result := dues.webhook_verified(v_id, false, 'no v1 signature matches the body');
    return next is(v_result ->> 'state', 'invalid', 'the delivery is invalid');
    return next is((select note from dues.webhook_message where id = v_id), 'no v1 signature matches the body: no effect', 'with why');
    return next is((select count(*) from dues.webhook_event where message_id = v_id), 0::bigint, 'no event is kept');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'no money');
    return next is(dues.webhook_verified(v_id, true) ->> 'state', 'invalid', 'a later verdict does not overturn it');
    return next throws_ok('select dues.webhook_verified(-1, true)', 'DU603', 'webhook -1 not found', 'an unknown delivery');
end
$$;

create or replace function tests.test_webhook_verified__a_malformed_delivery_keeps_no_event()
returns setof text
language plpgsql
as $$
declare
    v_bodies text[] := array['{"id": "evt_x", "type": "invoice.paid"', '[]', '{"type": "invoice.paid"}', '{"id": "evt_y"}'];
    v_body   text;
    v_id     bigint;
begin
    foreach v_body in array v_bodies loop
        v_id := dues.webhook_intake('stripe', convert_to(v_body, 'UTF8'), '{}', null);
        return next is(dues.webhook_verified(v_id, true) ->> 'state', 'malformed', 'malformed: ' || v_body);
    end loop;
    v_id := dues.webhook_intake('gocardless', convert_to('{"events": [{"id": "EV1", "resource_type": "payments", "action": "x"}, {"id": ""}]}', 'UTF8'), '{}', null);
    return next is(dues.webhook_verified(v_id, true) ->> 'state', 'malformed', 'a batch with one bad event');
    return next is((select count(*) from dues.webhook_event where message_id = v_id), 0::bigint, 'keeps none of its events');
    v_id := dues.webhook_intake('paypal', '\xff'::bytea, '{}', null);
    return next is(dues.webhook_verified(v_id, true) ->> 'state', 'malformed', 'a body that is not UTF-8');
    return next throws_ok($q$select * from dues.webhook_events_read('stripe', convert_to('{}', 'UTF8'))$q$, 'DU605', null, 'an event without id');
end
$$;

create or replace function tests.test_webhook_verified__a_failure_is_kept_and_undoes_everything_of_the_event()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_event  dues.webhook_event;
begin
    perform tests.fx_webhook('stripe', tests.fx_stripe_event(tests.fx_ref('evt_'), 'invoice.paid',
        jsonb_build_object('customer', tests.fx_ref('cus_'), 'customer_email', tests.fx_email(v_member), 'amount_paid', 'ten',
                           'currency', 'usd')));
    select * into v_event from dues.webhook_event order by id desc limit 1;
    return next is(v_event.state, 'failed', 'an amount that is not one fails the event');
    return next matches(v_event.error, '^DU605: ', 'with the code and message');
    return next is((select count(*) from dues.member_provider_ref where source = 'webhook ' || v_event.id), 0::bigint,
                   'what its processing did is undone (no customer id learned)');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'no money');
end
$$;
