create or replace function api.group_members(group_id bigint, on_date date default dues.local_date(now()))
returns table (member_id bigint, name text, email text, since date, until date)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_group dues."group";
begin
    perform dues.authorize_staff();
    v_group := dues.group_get(group_members.group_id);
    perform dues.require_argument('on_date', group_members.on_date is null);
    return query
        select distinct on (m.id)
               m.id, m.name, m.email, pg_catalog.lower(gm.during),
               case when pg_catalog.upper_inf(gm.during) then null else pg_catalog.upper(gm.during) - 1 end
          from dues.group_membership gm
          join dues.member m on m.id = gm.member_id
         where gm.group_id = v_group.id and gm.during @> group_members.on_date
         order by m.id, gm.during;
end
$$;

comment on function api.group_members(bigint, date) is
$$Lists the members of a group on a day (today by default), with the first and last day (inclusive; null: open-ended) of the
membership that covers it, by member id. Staff only. Errors: DU014 an argument is null, DU110 unknown group.$$;

grant execute on function api.group_members(bigint, date) to dues_staff;
