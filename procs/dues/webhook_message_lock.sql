-- The webhook delivery with this id, locked; DU603 when there is none.
create or replace function dues.webhook_message_lock(p_id bigint)
returns dues.webhook_message
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.webhook_message;
begin
    perform dues.require_argument('id', p_id is null);
    select m.* into v_message from dues.webhook_message m where m.id = p_id for update;
    if not found then
        raise exception 'webhook % not found', p_id
            using errcode = 'DU603';
    end if;
    return v_message;
end
$$;
