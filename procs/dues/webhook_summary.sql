-- A webhook delivery (p_message) or event (p_event) as staff list it.
create or replace function dues.webhook_summary(p_message dues.webhook_message, p_event dues.webhook_event)
returns dues.webhook_summary
language sql
stable
set search_path = ''
as $$
    select case when p_event.id is not null then
               (p_event.id, 'event', p_event.provider, p_event.received_at, p_event.state, p_event.message_id,
                p_event.event_id, p_event.event_type, p_event.member_id, p_event.payment_id, p_event.deliveries,
                p_event.note, p_event.error, p_event.processed_at)::dues.webhook_summary
           else
               (p_message.id, 'delivery', p_message.provider, p_message.received_at, p_message.state, p_message.id,
                null, null, null, null, null, p_message.note, p_message.verify_error, p_message.verified_at)::dues.webhook_summary
           end
$$;
