-- Ends a member's membership of a group on a day (it no longer belongs from
-- that day on; a membership that began that very day keeps that one day),
-- and its linked members' too when they follow the group. Returns the members
-- removed.
create or replace function dues.group_leave(p_member_id bigint, p_group_id bigint, p_on date)
returns setof bigint
language plpgsql
set search_path = ''
as $$
declare
    v_group  dues."group" := dues.group_get(p_group_id);
    v_member bigint;
begin
    for v_member in
        select p_member_id
         union
        select l.member_id from dues.member_link l
         where v_group.linked_members_follow and l.master_id = p_member_id and l.unlinked_at is null
         order by 1
    loop
        perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
            pg_catalog.format('dues.group_membership %s %s', p_group_id, v_member), 0));
        update dues.group_membership gm
           set during = pg_catalog.daterange(pg_catalog.lower(gm.during),
                                             greatest(p_on, pg_catalog.lower(gm.during) + 1))
         where gm.member_id = v_member and gm.group_id = p_group_id
           and gm.during @> p_on;
        if found then
            return next v_member;
        end if;
    end loop;
end
$$;
