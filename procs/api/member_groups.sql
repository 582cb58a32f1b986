create or replace function api.member_groups(member_id bigint, on_date date default dues.local_date(now()))
returns table (group_id bigint, key text, name text, since date, until date)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(member_groups.member_id);
    perform dues.member_get(member_groups.member_id);
    perform dues.require_argument('on_date', member_groups.on_date is null);
    return query
        select distinct on (g.id)
               g.id, g.key, g.name, pg_catalog.lower(gm.during),
               case when pg_catalog.upper_inf(gm.during) then null else pg_catalog.upper(gm.during) - 1 end
          from dues.group_membership gm
          join dues."group" g on g.id = gm.group_id
         where gm.member_id = member_groups.member_id and gm.during @> member_groups.on_date
         order by g.id, gm.during;
end
$$;

comment on function api.member_groups(bigint, date) is
$$Lists the groups a member belongs to on a day (today by default), with the first and last day (inclusive; null: open-ended)
of each membership. A member may list its own. Errors: DU014 an argument is null, DU001 unknown member.$$;

grant execute on function api.member_groups(bigint, date) to dues_member, dues_staff;
