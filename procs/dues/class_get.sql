-- The class with this id; DU014 when null, DU002 when unknown.
create or replace function dues.class_get(p_class_id bigint)
returns dues.class
language plpgsql
stable
set search_path = ''
as $$
declare
    v_class dues.class;
begin
    perform dues.require_argument('class_id', p_class_id is null);
    select c.* into v_class from dues.class c where c.id = p_class_id;
    if not found then
        raise exception 'class % not found', p_class_id
            using errcode = 'DU002';
    end if;
    return v_class;
end
$$;
