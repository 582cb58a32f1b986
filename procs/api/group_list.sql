create or replace function api.group_list(on_date date default dues.local_date(now()))
returns table (id bigint, key text, name text, linked_members_follow boolean, member_count bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('on_date', group_list.on_date is null);
    return query
        select g.id, g.key, g.name, g.linked_members_follow,
               (select pg_catalog.count(distinct gm.member_id) from dues.group_membership gm
                 where gm.group_id = g.id and gm.during @> group_list.on_date)
          from dues."group" g
         order by g.id;
end
$$;

comment on function api.group_list(date) is
$$Lists every group (id, key, name, linked_members_follow) with how many members belong to it on on_date (today by default).
Staff only. Errors: DU014 on_date is null.$$;

grant execute on function api.group_list(date) to dues_staff;
