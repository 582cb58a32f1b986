-- Tests of api.webhook_get.

create or replace function tests.test_webhook_get__shows_a_delivery_or_an_event_in_full()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_event  dues.webhook_event := tests.fx_stripe_paid(tests.fx_email(v_member), 1500);
    v_detail dues.webhook_detail;
begin
    v_detail := api.webhook_get(v_event.id);
    return next is(v_detail.kind, 'event', 'an event');
    return next is(v_detail.event_type, 'checkout.session.completed', 'its type');
    return next is(v_detail.data ->> 'id', v_event.event_id, 'its JSON');
    return next ok(v_detail.body like '{%' and v_detail.body like '%' || v_event.event_id || '%', 'the raw body of its delivery');
    return next is(v_detail.member_id, v_member, 'the member it was for');
    return next is(v_detail.refs, v_event.refs, 'what matching looked for');
    return next is(jsonb_path_query_array(v_detail.history, '$[*].event'), '["received", "processed"]'::jsonb, 'its history');
    v_detail := api.webhook_get(v_event.message_id);
    return next is(v_detail.kind, 'delivery', 'a delivery');
    return next is(v_detail.headers ->> 'content-type', 'application/json', 'with its headers');
    return next is(v_detail.events #>> '{0,id}', v_event.id::text, 'and its events');
    return next throws_ok('select api.webhook_get(-1)', 'DU603', null, 'an unknown id');
    return next throws_ok('select api.webhook_get(null)', 'DU014', null, 'a null id');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.webhook_get(%s)', v_event.id), '42501', null, 'not for members');
end
$$;
