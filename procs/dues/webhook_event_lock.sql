-- The webhook event with this id, locked; DU603 when there is none.
create or replace function dues.webhook_event_lock(p_id bigint)
returns dues.webhook_event
language plpgsql
set search_path = ''
as $$
declare
    v_event dues.webhook_event;
begin
    perform dues.require_argument('id', p_id is null);
    select e.* into v_event from dues.webhook_event e where e.id = p_id for update;
    if not found then
        raise exception 'webhook % not found', p_id
            using errcode = 'DU603';
    end if;
    return v_event;
end
$$;
