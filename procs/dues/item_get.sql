-- The item with this id; DU014 when null, DU122 when unknown.
create or replace function dues.item_get(p_item_id bigint)
returns dues.item
language plpgsql
stable
set search_path = ''
as $$
declare
    v_item dues.item;
begin
    perform dues.require_argument('item_id', p_item_id is null);
    select i.* into v_item from dues.item i where i.id = p_item_id;
    if not found then
        raise exception 'item % not found', p_item_id using errcode = 'DU122';
    end if;
    return v_item;
end
$$;
