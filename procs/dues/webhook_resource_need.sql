-- A resource of the provider's API an event needs (p_path, like payments/PM123): its body once the worker fetched it;
-- else null, the request queued for the worker and the event marked as waiting for it (it is processed again when the
-- resource arrives). DU605 when the path is not an id the provider could have sent, or the provider does not know it.
create or replace function dues.webhook_resource_need(p_event dues.webhook_event, p_path text)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_resource dues.webhook_resource;
begin
    if p_path is null or p_path !~ '^[a-z_]+/[A-Za-z0-9_-]{1,100}$' then
        raise exception '% event % names no valid resource id (%)', p_event.provider, p_event.event_id, coalesce(p_path, 'none')
            using errcode = 'DU605';
    end if;
    select r.* into v_resource from dues.webhook_resource r where r.provider = p_event.provider and r.path = p_path;
    if v_resource.fetched_at is not null then
        if v_resource.status = 404 then
            raise exception '% does not know %', p_event.provider, p_path using errcode = 'DU605';
        end if;
        return v_resource.body;
    end if;
    insert into dues.webhook_resource (provider, path) values (p_event.provider, p_path) on conflict do nothing;
    update dues.webhook_event e set waiting_for = p_path where e.id = p_event.id;
    return null;
end
$$;
