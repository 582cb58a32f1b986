-- Ends a member's link: it leaves the followed groups it belongs to.
create or replace function dues.member_link_end(p_member_id bigint, p_on date)
returns dues.member_link
language plpgsql
set search_path = ''
as $$
declare
    v_link  dues.member_link;
    v_group bigint;
begin
    perform dues.member_get(p_member_id);
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.member_link ' || p_member_id, 0));
    update dues.member_link l
       set unlinked_at = pg_catalog.now(), unlinked_by = dues.actor()
     where l.member_id = p_member_id and l.unlinked_at is null
    returning l.* into v_link;
    if not found then
        raise exception 'member % is not linked to a master', p_member_id
            using errcode = 'DU111';
    end if;
    for v_group in
        select g.id from dues."group" g
         where g.linked_members_follow and dues.member_in_group(p_member_id, g.id, p_on)
         order by g.id
    loop
        perform dues.group_leave(p_member_id, v_group, p_on);
    end loop;
    return v_link;
end
$$;
