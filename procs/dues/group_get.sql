-- The group with this id; DU014 when null, DU110 when unknown.
create or replace function dues.group_get(p_group_id bigint)
returns dues."group"
language plpgsql
stable
set search_path = ''
as $$
declare
    v_group dues."group";
begin
    perform dues.require_argument('group_id', p_group_id is null);
    select g.* into v_group from dues."group" g where g.id = p_group_id;
    if not found then
        raise exception 'group % not found', p_group_id
            using errcode = 'DU110';
    end if;
    return v_group;
end
$$;
