create or replace function api.item_list()
returns setof dues.item
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return query select i.* from dues.item i order by i.name;
end
$$;

comment on function api.item_list() is 'Lists the items (doors, machines, tools) by name. Staff only.';

grant execute on function api.item_list() to dues_staff;
