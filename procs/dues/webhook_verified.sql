-- Records the verdict on a delivery's signature (p_valid; p_detail says why it is not) and, for a valid one, keeps
-- each of its events once per provider event id and processes the new ones. A delivery verified before (by another
-- process) changes nothing. Returns {"state", "note", "events": [{"id", "event_id", "type", "state", "duplicate"}]}.
create or replace function dues.webhook_verified(p_id bigint, p_valid boolean, p_detail text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.webhook_message := dues.webhook_message_lock(p_id);
    v_read    record;
    v_event   dues.webhook_event;
    v_new     boolean;
    v_events  jsonb := '[]'::jsonb;
    v_state   text;
    v_error   text;
begin
    if v_message.state not in ('received', 'unverified') then
        return pg_catalog.jsonb_build_object('state', v_message.state, 'note', v_message.note, 'events',
            coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('id', e.id, 'event_id', e.event_id,
                                                                                'type', e.event_type, 'state', e.state,
                                                                                'duplicate', e.message_id <> p_id) order by e.id)
                        from dues.webhook_event e
                       where e.message_id = p_id
                          or e.id in (select l.webhook_id from dues.webhook_log l
                                       where l.event = 'delivered_again' and l.detail = 'in webhook ' || p_id)), '[]'));
    end if;
    if not coalesce(p_valid, false) then
        update dues.webhook_message m
           set state = 'invalid', verified_at = pg_catalog.now(), verify_error = null,
               note = pg_catalog.left(coalesce(p_detail, 'signature not valid'), 2000) || ': no effect'
         where m.id = p_id;
        perform dues.webhook_log_add(p_id, 'verified', 'invalid', p_detail);
        return pg_catalog.jsonb_build_object('state', 'invalid', 'note', p_detail, 'events', '[]'::jsonb);
    end if;

    begin
        -- read every event before keeping any: a delivery with one bad event keeps none
        perform from dues.webhook_events_read(v_message.provider, v_message.body);
    exception when sqlstate 'DU605' then
        get stacked diagnostics v_error = message_text;
        update dues.webhook_message m
           set state = 'malformed', verified_at = pg_catalog.now(), verify_error = null, note = v_error || ': no effect'
         where m.id = p_id;
        perform dues.webhook_log_add(p_id, 'verified', 'malformed', v_error);
        return pg_catalog.jsonb_build_object('state', 'malformed', 'note', v_error, 'events', '[]'::jsonb);
    end;
    update dues.webhook_message m
       set state = 'verified', verified_at = pg_catalog.now(), verify_error = null
     where m.id = p_id;
    perform dues.webhook_log_add(p_id, 'verified', 'verified', 'signature valid');

    -- the events' keys in one order before any is kept, so that two batches holding the same events never deadlock
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.webhook_event ' || v_message.provider || ' ' || k.event_id, 0))
       from (select distinct r.event_id from dues.webhook_events_read(v_message.provider, v_message.body) r order by r.event_id) k;
    for v_read in select r.event_id, r.event_type, r.data from dues.webhook_events_read(v_message.provider, v_message.body) r loop
        -- one row per provider event id; a delivery of one already here waits for the first to be kept, then counts
        insert into dues.webhook_event (provider, event_id, event_type, message_id, data, received_at)
        values (v_message.provider, v_read.event_id, v_read.event_type, p_id, v_read.data, v_message.received_at)
        on conflict (provider, event_id) do nothing
        returning * into v_event;
        v_new := v_event.id is not null;
        if v_new then
            perform dues.webhook_log_add(v_event.id, 'received', 'received', 'from webhook ' || p_id);
            v_state := dues.webhook_event_process(v_event.id);
        else
            update dues.webhook_event e set deliveries = e.deliveries + 1
             where e.provider = v_message.provider and e.event_id = v_read.event_id
            returning * into v_event;
            perform dues.webhook_log_add(v_event.id, 'delivered_again', v_event.state, 'in webhook ' || p_id);
            v_state := v_event.state;
        end if;
        v_events := v_events || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
            'id', v_event.id, 'event_id', v_event.event_id, 'type', v_event.event_type, 'state', v_state, 'duplicate', not v_new));
        v_event := null;
    end loop;
    update dues.webhook_message m
       set note = pg_catalog.format('%s event(s), %s new', pg_catalog.jsonb_array_length(v_events),
                                    (select pg_catalog.count(*) from pg_catalog.jsonb_array_elements(v_events) e
                                      where not (e ->> 'duplicate')::boolean))
     where m.id = p_id;
    return pg_catalog.jsonb_build_object('state', 'verified', 'note', null, 'events', v_events);
end
$$;
