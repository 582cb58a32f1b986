-- Puts a member in a group from a day on (open-ended), and its linked members
-- too when the group is one they follow. Returns the members added (none
-- when all already belonged to the group that day).
create or replace function dues.group_join(p_member_id bigint, p_group_id bigint, p_on date)
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
        -- one change per member and group at a time
        perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
            pg_catalog.format('dues.group_membership %s %s', p_group_id, v_member), 0));
        if not dues.member_in_group(v_member, p_group_id, p_on) then
            insert into dues.group_membership (group_id, member_id, during)
            values (p_group_id, v_member, pg_catalog.daterange(p_on, null));
            return next v_member;
        end if;
    end loop;
end
$$;
