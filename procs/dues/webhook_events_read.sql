-- The events of a verified delivery, by provider: Stripe and PayPal post one event (id and type, or id and
-- event_type), GoCardless {"events": [...]} (id, resource_type and action: type is resource_type.action). Raises DU605
-- when the body is not UTF-8 JSON of that shape, or an event lacks its id or type.
create or replace function dues.webhook_events_read(p_provider text, p_body bytea)
returns table (event_id text, event_type text, data jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
    v_doc   jsonb;
    v_event jsonb;
    v_list  jsonb;
begin
    begin
        v_doc := pg_catalog.convert_from(p_body, 'UTF8')::jsonb;
    exception when others then
        raise exception 'the % webhook body is not UTF-8 JSON', p_provider
            using errcode = 'DU605';
    end;
    v_list := case p_provider
                  when 'gocardless' then v_doc -> 'events'
                  else pg_catalog.jsonb_build_array(v_doc)
              end;
    if pg_catalog.jsonb_typeof(v_list) is distinct from 'array' or pg_catalog.jsonb_array_length(v_list) = 0 then
        raise exception 'the % webhook body holds no event', p_provider
            using errcode = 'DU605';
    end if;
    for v_event in select e from pg_catalog.jsonb_array_elements(v_list) e loop
        if pg_catalog.jsonb_typeof(v_event) is distinct from 'object' then
            raise exception 'a % webhook event is not a JSON object', p_provider
                using errcode = 'DU605';
        end if;
        event_id := pg_catalog.btrim(v_event ->> 'id');
        event_type := case p_provider
                          when 'stripe' then v_event ->> 'type'
                          when 'paypal' then v_event ->> 'event_type'
                          else (v_event ->> 'resource_type') || '.' || (v_event ->> 'action')
                      end;
        if coalesce(event_id, '') = '' or pg_catalog.length(event_id) > 255 or coalesce(event_type, '') = '' then
            raise exception 'a % webhook event has no id or no type', p_provider
                using errcode = 'DU605';
        end if;
        data := v_event;
        return next;
    end loop;
end
$$;
