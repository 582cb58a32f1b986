-- Groups and linked members: joining and leaving groups over dates, linked
-- members following their master, a member's PayPal e-mail, the audit log.

-- Today in the organisation's time zone (setting local_timezone) at a given moment.
create function dues.local_date(p_now timestamptz)
returns date
language sql
stable
set search_path = ''
as $$
    select (p_now at time zone coalesce((select s.value from dues.setting s where s.name = 'local_timezone'), 'UTC'))::date
$$;

-- The group with this key (members, pending_payments, board, ...); DU110 when there is none.
create function dues.group_by_key(p_key text)
returns dues."group"
language plpgsql
stable
set search_path = ''
as $$
declare
    v_group dues."group";
begin
    select g.* into v_group from dues."group" g where g.key = p_key;
    if not found then
        raise exception 'group % not found', coalesce(p_key, 'null')
            using errcode = 'DU110',
                  hint = 'the named groups are the rows of dues."group" with a key';
    end if;
    return v_group;
end
$$;

-- The group with this id; DU014 when null, DU110 when unknown.
create function dues.group_get(p_group_id bigint)
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

-- The member's master when it is linked to one now, else null.
create function dues.member_master(p_member_id bigint)
returns bigint
language sql
stable
set search_path = ''
as $$
    select l.master_id from dues.member_link l where l.member_id = p_member_id and l.unlinked_at is null
$$;

-- The members linked to a master now, by id.
create function dues.member_linked(p_master_id bigint)
returns setof bigint
language sql
stable
set search_path = ''
as $$
    select l.member_id from dues.member_link l where l.master_id = p_master_id and l.unlinked_at is null order by l.member_id
$$;

-- Whether a member belongs to a group on a day.
create function dues.member_in_group(p_member_id bigint, p_group_id bigint, p_on date)
returns boolean
language sql
stable
set search_path = ''
as $$
    select exists (select from dues.group_membership gm
                    where gm.member_id = p_member_id and gm.group_id = p_group_id and gm.during @> p_on)
$$;

-- Puts a member in a group from a day on (open-ended), and its linked members
-- too when the group is one they follow. Returns the members added (none
-- when all already belonged to the group that day).
create function dues.group_join(p_member_id bigint, p_group_id bigint, p_on date)
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

-- Ends a member's membership of a group on a day (it no longer belongs from
-- that day on; a membership that began that very day keeps that one day),
-- and its linked members' too when they follow the group. Returns the members
-- removed.
create function dues.group_leave(p_member_id bigint, p_group_id bigint, p_on date)
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

-- Links a member to a master: it joins the master's followed groups now.
create function dues.member_link_create(p_member_id bigint, p_master_id bigint, p_on date)
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

-- Ends a member's link: it leaves the followed groups it belongs to.
create function dues.member_link_end(p_member_id bigint, p_on date)
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

-- api ------------------------------------------------------------------------

create function api.group_create(name text, key text default null, linked_members_follow boolean default false)
returns dues."group"
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_group dues."group";
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', group_create.name is null);
    perform dues.require_argument('linked_members_follow', group_create.linked_members_follow is null);
    if pg_catalog.btrim(group_create.name) = '' then
        raise exception 'name must not be blank' using errcode = 'DU013';
    end if;
    if group_create.key is not null and group_create.key !~ '^[a-z][a-z0-9_]*$' then
        raise exception 'group key % must be a lower-case identifier', group_create.key using errcode = 'DU013';
    end if;
    if exists (select from dues."group" g where g.key = group_create.key) then
        raise exception 'group key % is already used', group_create.key using errcode = 'DU013';
    end if;
    insert into dues."group" as g (name, key, linked_members_follow)
    values (pg_catalog.btrim(group_create.name), group_create.key, group_create.linked_members_follow)
    returning g.* into v_group;
    return v_group;
end
$$;
comment on function api.group_create(text, text, boolean) is
$$Creates a group of members (a team, a committee, a group of door users). key is an optional lower-case identifier procedures and
membership status rules can name it by; linked_members_follow: linked members join and leave it with their master.
Returns the group. Staff only. Errors: DU014 name is null, DU013 blank name, bad or used key.$$;

create function api.group_list(on_date date default current_date)
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

create function api.group_members(group_id bigint, on_date date default current_date)
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

create function api.member_groups(member_id bigint, on_date date default current_date)
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

create function api.group_add(member_id bigint, group_id bigint, why text default null, from_date date default current_date)
returns setof bigint
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.member_get(group_add.member_id);
    perform dues.group_get(group_add.group_id);
    perform dues.require_argument('from_date', group_add.from_date is null);
    perform dues.audit_why(group_add.why);
    return query select * from dues.group_join(group_add.member_id, group_add.group_id, group_add.from_date);
end
$$;
comment on function api.group_add(bigint, bigint, text, date) is
$$Puts a member in a group from from_date (today by default) on, open-ended; its linked members too when the group is one they
follow. why is recorded in the audit log. Returns the ids of the members added (none when they already belonged to it).
Staff only. Errors: DU014 an argument is null, DU001 unknown member, DU110 unknown group.$$;

create function api.group_remove(member_id bigint, group_id bigint, why text default null, on_date date default current_date)
returns setof bigint
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.member_get(group_remove.member_id);
    perform dues.group_get(group_remove.group_id);
    perform dues.require_argument('on_date', group_remove.on_date is null);
    perform dues.audit_why(group_remove.why);
    return query select * from dues.group_leave(group_remove.member_id, group_remove.group_id, group_remove.on_date);
end
$$;
comment on function api.group_remove(bigint, bigint, text, date) is
$$Ends a member's membership of a group: from on_date (today by default) it no longer belongs to it (a membership that began that
very day keeps that day); its linked members leave too when they follow the group. The membership is kept as history; why is
recorded in the audit log. Returns the ids of the members removed (none when they did not belong to it).
Staff only. Errors: DU014 an argument is null, DU001 unknown member, DU110 unknown group.$$;

create function api.member_link(member_id bigint, master_id bigint, why text default null)
returns dues.member_link
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('master_id', member_link.master_id is null);
    perform dues.audit_why(member_link.why);
    return dues.member_link_create(member_link.member_id, member_link.master_id, dues.local_date(pg_catalog.now()));
end
$$;
comment on function api.member_link(bigint, bigint, text) is
$$Links a member (a family member, a housemate) to a master member: from now on it follows the master's membership status and
the groups that linked members follow (members, pending_payments), joining those the master belongs to today. A master cannot be
linked itself, nor a member that has linked members. Returns the link. Staff only.
Errors: DU014 an argument is null, DU001 unknown member, DU111 self link, already linked, or a chain.$$;

create function api.member_unlink(member_id bigint, why text default null)
returns dues.member_link
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.audit_why(member_unlink.why);
    return dues.member_link_end(member_unlink.member_id, dues.local_date(pg_catalog.now()));
end
$$;
comment on function api.member_unlink(bigint, text) is
$$Ends a member's link to its master: it leaves, today, the groups linked members follow. The link is kept as history.
Returns the ended link. Staff only. Errors: DU014 member_id is null, DU001 unknown member, DU111 the member is not linked.$$;

create function api.member_paypal_email_set(member_id bigint, paypal_email text, why text default null)
returns dues.member
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_email  text := nullif(pg_catalog.btrim(member_paypal_email_set.paypal_email), '');
    v_member dues.member;
begin
    perform dues.authorize_member(member_paypal_email_set.member_id, 'administer');
    perform dues.member_get(member_paypal_email_set.member_id);
    if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'e-mail address % is not valid', v_email
            using errcode = 'DU013',
                  hint = 'an address looks like name@example.org';
    end if;
    perform dues.audit_why(member_paypal_email_set.why);
    update dues.member m
       set paypal_email = v_email
     where m.id = member_paypal_email_set.member_id
    returning m.* into v_member;
    return v_member;
end
$$;
comment on function api.member_paypal_email_set(bigint, text, text) is
$$Sets (or, with null or blank, clears) the e-mail of a member's PayPal account, used to match PayPal payment notifications when it
differs from the member's e-mail. Payment notifications left unmatched are matched again at once. Recorded in the audit log with why.
A member may set its own. Returns the member. Errors: DU014 member_id is null, DU001 unknown member, DU013 not an e-mail address.$$;

create function api.audit_log(member_id bigint default null, table_name text default null, "limit" int default 100)
returns setof dues.audit_log
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    if audit_log."limit" is null or audit_log."limit" < 1 then
        raise exception 'limit must be a positive number, got %', coalesce(audit_log."limit"::text, 'null')
            using errcode = 'DU013';
    end if;
    return query
        select a.*
          from dues.audit_log a
         where (audit_log.member_id is null or a.member_id = audit_log.member_id)
           and (audit_log.table_name is null or a.table_name = audit_log.table_name)
         order by a.id desc
         limit audit_log."limit";
end
$$;
comment on function api.audit_log(bigint, text, int) is
$$The newest entries of the audit log (changes to group memberships, badges, member links, e-mail addresses, roles, storage slots
and memberships): who (actor), when (at), what (table_name, row_id, action, old and new row) and why, for one member and/or one
table when given, newest first, at most limit rows (100 by default). Staff only. Errors: DU013 limit not positive.$$;

-- Staff only for now: tests/sql/api_grants.sql lists what dues_member may execute. member_groups and
-- member_paypal_email_set check dues.authorize_member inside, so granting them to dues_member is safe.
grant execute on function
    api.member_groups(bigint, date),
    api.member_paypal_email_set(bigint, text, text),
    api.group_create(text, text, boolean),
    api.group_list(date),
    api.group_members(bigint, date),
    api.group_add(bigint, bigint, text, date),
    api.group_remove(bigint, bigint, text, date),
    api.member_link(bigint, bigint, text),
    api.member_unlink(bigint, text),
    api.audit_log(bigint, text, int)
to dues_staff;
