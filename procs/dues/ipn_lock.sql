-- The message with this id, locked; DU100 when there is none.
create or replace function dues.ipn_lock(p_id bigint)
returns dues.ipn_message
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.ipn_message;
begin
    perform dues.require_argument('id', p_id is null);
    select m.* into v_message from dues.ipn_message m where m.id = p_id for update;
    if not found then
        raise exception 'payment notification % not found', p_id
            using errcode = 'DU100';
    end if;
    return v_message;
end
$$;
