-- Records what the provider's API answered for a resource (p_status 200 with its JSON body, or 404: it does not know
-- it) and processes again the events waiting for it. Returns how many events were processed.
create or replace function dues.webhook_fetched(p_provider text, p_path text, p_status int, p_body jsonb)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_id    bigint;
    v_count int := 0;
begin
    update dues.webhook_resource r
       set status = p_status, body = case when p_status = 200 then p_body end, fetched_at = pg_catalog.now(), error = null
     where r.provider = p_provider and r.path = p_path;
    for v_id in
        select e.id from dues.webhook_event e
         where e.provider = p_provider and e.state = 'waiting' and e.waiting_for = p_path
         order by e.id
           for update skip locked
    loop
        perform dues.webhook_event_process(v_id);
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;
