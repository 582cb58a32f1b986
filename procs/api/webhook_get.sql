-- One webhook delivery or event in full, with its history.
create or replace function api.webhook_get(id bigint)
returns dues.webhook_detail
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_message dues.webhook_message;
    v_event   dues.webhook_event;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('id', webhook_get.id is null);
    select e.* into v_event from dues.webhook_event e where e.id = webhook_get.id;
    select m.* into v_message from dues.webhook_message m where m.id = coalesce(v_event.message_id, webhook_get.id);
    if v_message.id is null then
        raise exception 'webhook % not found', webhook_get.id
            using errcode = 'DU603';
    end if;
    return (webhook_get.id, case when v_event.id is null then 'delivery' else 'event' end, v_message.provider,
            coalesce(v_event.received_at, v_message.received_at), coalesce(v_event.state, v_message.state), v_message.id,
            v_event.event_id, v_event.event_type, dues.charset_decode(v_message.body, 'UTF8'), v_message.headers, v_event.data,
            v_message.verify_attempts, v_message.verify_error, v_message.verified_at, v_event.refs, v_event.payer_email,
            v_event.waiting_for, v_event.member_id, v_event.payment_id, v_event.deliveries,
            coalesce(v_event.note, case when v_event.id is null then v_message.note end), v_event.error, v_event.processed_at,
            case when v_event.id is null then
                coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('id', e.id, 'event_id', e.event_id,
                                                                                    'event_type', e.event_type, 'state', e.state)
                                                      order by e.id)
                            from dues.webhook_event e
                           where e.message_id = v_message.id
                              or e.id in (select l.webhook_id from dues.webhook_log l
                                           where l.event = 'delivered_again' and l.detail = 'in webhook ' || v_message.id)), '[]')
            end,
            coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('at', l.at, 'actor', l.actor, 'event', l.event,
                                                                                'state', l.state, 'detail', l.detail) order by l.id)
                        from dues.webhook_log l where l.webhook_id = webhook_get.id), '[]'))::dues.webhook_detail;
end
$$;

comment on function api.webhook_get(bigint) is
$$One webhook delivery or event in full (id from webhook_list). Both show the delivery as received: raw body (as text) and
request headers, verification attempts and error. An event adds its provider event id and type, its JSON, what matching
looked for (refs: the provider's customer, mandate or subscription ids; payer_email), the resource it waits for, the member
and payment it led to, how many deliveries carried it, note or error. A delivery lists its events (events). history is every
step, oldest first. Staff only.
Errors: DU014 id is null, DU603 unknown webhook, 42501 not staff.$$;

grant execute on function api.webhook_get(bigint) to dues_staff;
