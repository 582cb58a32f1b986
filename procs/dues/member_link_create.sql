-- Links a member to a master: it joins the master's followed groups now.
create or replace function dues.member_link_create(p_member_id bigint, p_master_id bigint, p_on date)
returns dues.member_link
language plpgsql
set search_path = ''
as $$
declare
    v_link  dues.member_link;
    v_group bigint;
begin
    perform dues.member_get(p_member_id);
    perform dues.member_get(p_master_id);
    -- both members' links change together: lock them in id order
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.member_link ' || m, 0))
       from pg_catalog.unnest(array[least(p_member_id, p_master_id), greatest(p_member_id, p_master_id)]) m;
    if p_member_id = p_master_id then
        raise exception 'member % cannot be linked to itself', p_member_id
            using errcode = 'DU111';
    end if;
    if dues.member_master(p_member_id) is not null then
        raise exception 'member % is already linked to member %', p_member_id, dues.member_master(p_member_id)
            using errcode = 'DU111',
                  hint = 'unlink it first';
    end if;
    if dues.member_master(p_master_id) is not null then
        raise exception 'member % is linked to member %: a master cannot be linked itself', p_master_id, dues.member_master(p_master_id)
            using errcode = 'DU111';
    end if;
    if exists (select from dues.member_linked(p_member_id)) then
        raise exception 'member % has linked members: it cannot be linked to another', p_member_id
            using errcode = 'DU111';
    end if;
    insert into dues.member_link as l (member_id, master_id)
    values (p_member_id, p_master_id)
    returning l.* into v_link;
    for v_group in
        select g.id from dues."group" g
         where g.linked_members_follow and dues.member_in_group(p_master_id, g.id, p_on)
         order by g.id
    loop
        perform dues.group_join(p_member_id, v_group, p_on);
    end loop;
    return v_link;
end
$$;
