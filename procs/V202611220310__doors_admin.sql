-- The doors api: items, devices, badges, grants, certifications, and the access log's questions.

-- The item with this id; DU014 when null, DU122 when unknown.
create function dues.item_get(p_item_id bigint)
returns dues.item
language plpgsql
stable
set search_path = ''
as $$
declare
    v_item dues.item;
begin
    perform dues.require_argument('item_id', p_item_id is null);
    select i.* into v_item from dues.item i where i.id = p_item_id;
    if not found then
        raise exception 'item % not found', p_item_id using errcode = 'DU122';
    end if;
    return v_item;
end
$$;

create function api.item_create(name text, title text default null, kind text default 'door',
                                requires_certification boolean default false)
returns dues.item
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_item dues.item;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', item_create.name is null);
    perform dues.require_argument('kind', item_create.kind is null);
    perform dues.require_argument('requires_certification', item_create.requires_certification is null);
    if item_create.name !~ '^[a-z][a-z0-9_]*$' then
        raise exception 'item name % must be a lower-case identifier', item_create.name using errcode = 'DU013';
    end if;
    if item_create.kind not in ('door', 'machine', 'tool', 'other') then
        raise exception 'kind must be door, machine, tool or other, got %', item_create.kind using errcode = 'DU013';
    end if;
    if exists (select from dues.item i where i.name = item_create.name) then
        raise exception 'item name % is already used', item_create.name using errcode = 'DU013';
    end if;
    insert into dues.item as i (name, title, kind, requires_certification)
    values (item_create.name, coalesce(nullif(pg_catalog.btrim(item_create.title), ''), item_create.name),
            item_create.kind, item_create.requires_certification)
    returning i.* into v_item;
    return v_item;
end
$$;
comment on function api.item_create(text, text, text, boolean) is
$$Registers a door, machine, tool or other item (kind) that devices ask about by name (a lower-case identifier, unique).
requires_certification: only members certified on it may use it (besides being in a group granted it). Returns the item.
Staff only. Errors: DU014 an argument is null, DU013 bad or used name, unknown kind.$$;

create function api.item_list()
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

create function api.device_create(name text, secret_key text default null)
returns dues.device
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_device dues.device;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', device_create.name is null);
    if device_create.name !~ '^[a-z][a-z0-9_-]*$' then
        raise exception 'device name % must be lower-case letters, digits, _ and -', device_create.name using errcode = 'DU013';
    end if;
    if device_create.secret_key is not null and pg_catalog.length(device_create.secret_key) < 16 then
        raise exception 'a device key has at least 16 characters' using errcode = 'DU013';
    end if;
    if exists (select from dues.device d where d.name = device_create.name) then
        raise exception 'device name % is already used', device_create.name using errcode = 'DU013';
    end if;
    insert into dues.device as d (name, secret_key)
    values (device_create.name, coalesce(device_create.secret_key, pg_catalog.encode(public.gen_random_bytes(32), 'hex')))
    returning d.* into v_device;
    return v_device;
end
$$;
comment on function api.device_create(text, text) is
$$Registers a device (a door or machine controller) by name, with its secret key: the one given (at least 16 characters), or 64
random hex digits. The device signs each POST /access/check body with HMAC-SHA256 keyed with the key's UTF-8 bytes. Returns the
device with its key: configure the device with it. Staff only. Errors: DU014 name is null, DU013 bad or used name, short key.$$;

create function api.device_disable(device_id bigint)
returns dues.device
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_device dues.device;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('device_id', device_disable.device_id is null);
    update dues.device d set active = false where d.id = device_disable.device_id returning d.* into v_device;
    if not found then
        raise exception 'device % not found', device_disable.device_id using errcode = 'DU123';
    end if;
    return v_device;
end
$$;
comment on function api.device_disable(bigint) is
$$Disables a device (lost, replaced, compromised): its requests are refused from now on (401). Staff only.
Errors: DU014 device_id is null, DU123 unknown device.$$;

create function api.badge_assign(member_id bigint, number text, why text default null)
returns dues.badge
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_badge dues.badge;
begin
    perform dues.authorize_staff();
    perform dues.member_get(badge_assign.member_id);
    perform dues.require_argument('number', badge_assign.number is null);
    if badge_assign.number !~ '^\S{1,64}$' then
        raise exception 'badge number % must be 1 to 64 characters without spaces', badge_assign.number using errcode = 'DU013';
    end if;
    perform dues.audit_why(badge_assign.why);
    begin
        insert into dues.badge as b (number, member_id)
        values (badge_assign.number, badge_assign.member_id)
        returning b.* into v_badge;
    exception when unique_violation then
        raise exception 'badge % is already in use', badge_assign.number
            using errcode = 'DU124',
                  hint = 'revoke it first (badge_revoke)';
    end;
    return v_badge;
end
$$;
comment on function api.badge_assign(bigint, text, text) is
$$Gives a member a badge (the number its card or fob reads). A number is held by one member at a time. Recorded in the audit log
with why. Returns the badge. Staff only. Errors: DU014 an argument is null, DU001 unknown member, DU013 bad number, DU124 number in use.$$;

create function api.badge_revoke(number text, why text default null)
returns dues.badge
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_badge dues.badge;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('number', badge_revoke.number is null);
    perform dues.audit_why(badge_revoke.why);
    update dues.badge b
       set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
     where b.number = badge_revoke.number and b.revoked_at is null
    returning b.* into v_badge;
    if not found then
        raise exception 'no badge % in use', badge_revoke.number using errcode = 'DU125';
    end if;
    return v_badge;
end
$$;
comment on function api.badge_revoke(text, text) is
$$Revokes a badge (lost, returned): it opens nothing from now on and its number may be given again. The badge is kept as history
and the change audited with why. Staff only. Errors: DU014 number is null, DU125 no badge in use has that number.$$;

create function api.access_grant(group_id bigint, item_id bigint, why text default null)
returns dues.access_grant
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_grant dues.access_grant;
begin
    perform dues.authorize_staff();
    perform dues.group_get(access_grant.group_id);
    perform dues.item_get(access_grant.item_id);
    perform dues.audit_why(access_grant.why);
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
        pg_catalog.format('dues.access_grant %s %s', access_grant.group_id, access_grant.item_id), 0));
    select g.* into v_grant from dues.access_grant g
     where g.group_id = access_grant.group_id and g.item_id = access_grant.item_id and g.revoked_at is null;
    if not found then
        insert into dues.access_grant as g (group_id, item_id)
        values (access_grant.group_id, access_grant.item_id)
        returning g.* into v_grant;
    end if;
    return v_grant;
end
$$;
comment on function api.access_grant(bigint, bigint, text) is
$$Lets the members of a group use an item (open a door, switch on a machine; a machine that requires certification also needs one).
Granting twice changes nothing. Audited with why. Returns the grant. Staff only.
Errors: DU014 an argument is null, DU110 unknown group, DU122 unknown item.$$;

create function api.access_revoke(group_id bigint, item_id bigint, why text default null)
returns dues.access_grant
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_grant dues.access_grant;
begin
    perform dues.authorize_staff();
    perform dues.group_get(access_revoke.group_id);
    perform dues.item_get(access_revoke.item_id);
    perform dues.audit_why(access_revoke.why);
    update dues.access_grant g
       set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
     where g.group_id = access_revoke.group_id and g.item_id = access_revoke.item_id and g.revoked_at is null
    returning g.* into v_grant;
    if not found then
        raise exception 'group % has no grant on item %', access_revoke.group_id, access_revoke.item_id using errcode = 'DU126';
    end if;
    return v_grant;
end
$$;
comment on function api.access_revoke(bigint, bigint, text) is
$$Ends a group's grant on an item: its members no longer get access through it. Kept as history, audited with why. Staff only.
Errors: DU014 an argument is null, DU110 unknown group, DU122 unknown item, DU126 no such grant.$$;

create function api.certification_grant(member_id bigint, item_id bigint, certified_by bigint default null,
                                        note text default null)
returns dues.certification
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_cert dues.certification;
begin
    perform dues.authorize_staff();
    perform dues.member_get(certification_grant.member_id);
    perform dues.item_get(certification_grant.item_id);
    if certification_grant.certified_by is not null then
        perform dues.member_get(certification_grant.certified_by);
        if certification_grant.certified_by = certification_grant.member_id then
            raise exception 'member % cannot certify itself', certification_grant.member_id using errcode = 'DU013';
        end if;
    end if;
    perform dues.audit_why(certification_grant.note);
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
        pg_catalog.format('dues.certification %s %s', certification_grant.member_id, certification_grant.item_id), 0));
    select c.* into v_cert from dues.certification c
     where c.member_id = certification_grant.member_id and c.item_id = certification_grant.item_id and c.revoked_at is null;
    if not found then
        insert into dues.certification as c (member_id, item_id, certified_by, note)
        values (certification_grant.member_id, certification_grant.item_id, certification_grant.certified_by, certification_grant.note)
        returning c.* into v_cert;
    end if;
    return v_cert;
end
$$;
comment on function api.certification_grant(bigint, bigint, bigint, text) is
$$Records that a member was trained on a machine (item), by whom (certified_by, a member; not itself) and when (now), with a note.
A member already certified keeps its certification. Audited. Returns the certification. Staff only.
Errors: DU014 an argument is null, DU001 unknown member or certifier, DU013 self-certification, DU122 unknown item.$$;

create function api.certification_revoke(member_id bigint, item_id bigint, why text default null)
returns dues.certification
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_cert dues.certification;
begin
    perform dues.authorize_staff();
    perform dues.member_get(certification_revoke.member_id);
    perform dues.item_get(certification_revoke.item_id);
    perform dues.audit_why(certification_revoke.why);
    update dues.certification c
       set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
     where c.member_id = certification_revoke.member_id and c.item_id = certification_revoke.item_id and c.revoked_at is null
    returning c.* into v_cert;
    if not found then
        raise exception 'member % is not certified on item %', certification_revoke.member_id, certification_revoke.item_id
            using errcode = 'DU126';
    end if;
    return v_cert;
end
$$;
comment on function api.certification_revoke(bigint, bigint, text) is
$$Withdraws a member's certification on a machine. Kept as history, audited with why. Staff only.
Errors: DU014 an argument is null, DU001 unknown member, DU122 unknown item, DU126 not certified.$$;

create function api.certification_list(member_id bigint default null, item_id bigint default null)
returns setof dues.certification
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return query
        select c.* from dues.certification c
         where (certification_list.member_id is null or c.member_id = certification_list.member_id)
           and (certification_list.item_id is null or c.item_id = certification_list.item_id)
         order by c.certified_at, c.id;
end
$$;
comment on function api.certification_list(bigint, bigint) is
$$The certification log: who was certified on which machine, by whom and when, revoked or not, for one member and/or one item
when given, oldest first. Staff only.$$;

create function api.access_log(member_id bigint default null, item_id bigint default null, day date default null,
                               "limit" int default 100)
returns setof dues.access_log
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_zone text := coalesce(nullif(dues.setting_text('local_timezone'), ''), 'UTC');
begin
    perform dues.authorize_staff();
    if access_log."limit" is null or access_log."limit" < 1 then
        raise exception 'limit must be a positive number, got %', coalesce(access_log."limit"::text, 'null')
            using errcode = 'DU013';
    end if;
    return query
        select l.* from dues.access_log l
         where (access_log.member_id is null or l.member_id = access_log.member_id)
           and (access_log.item_id is null or l.item_id = access_log.item_id)
           and (access_log.day is null
                or l.at >= (access_log.day::timestamp at time zone v_zone)
                   and l.at < ((access_log.day + 1)::timestamp at time zone v_zone))
         order by l.at desc, l.id desc
         limit access_log."limit";
end
$$;
comment on function api.access_log(bigint, bigint, date, int) is
$$The access log, newest first: every decision (when, device, item, badge, member when known, granted, reason), for one member,
one item and/or one day (in setting local_timezone) when given, at most limit rows (100 by default). Staff only.
Errors: DU013 limit not positive.$$;

create function api.access_heatmap(item_id bigint default null, from_date date default null, to_date date default null,
                                   granted_only boolean default true)
returns table (weekday int, hour int, count bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_zone text := coalesce(nullif(dues.setting_text('local_timezone'), ''), 'UTC');
begin
    perform dues.authorize_staff();
    perform dues.require_argument('granted_only', access_heatmap.granted_only is null);
    return query
        select w.d, h.h, pg_catalog.count(x.at)
          from pg_catalog.generate_series(0, 6) w(d)
         cross join pg_catalog.generate_series(0, 23) h(h)
          left join (select l.at at time zone v_zone as at
                       from dues.access_log l
                      where (access_heatmap.item_id is null or l.item_id = access_heatmap.item_id)
                        and (not access_heatmap.granted_only or l.granted)
                        and (access_heatmap.from_date is null or l.at >= (access_heatmap.from_date::timestamp at time zone v_zone))
                        and (access_heatmap.to_date is null or l.at < ((access_heatmap.to_date + 1)::timestamp at time zone v_zone))) x
            on extract(dow from x.at)::int = w.d and extract(hour from x.at)::int = h.h
         group by w.d, h.h
         order by w.d, h.h;
end
$$;
comment on function api.access_heatmap(bigint, date, date, boolean) is
$$Access counts by weekday (0 Sunday to 6 Saturday) and hour (0 to 23) in setting local_timezone, all 168 cells, for a heatmap:
of one item when given, between from_date and to_date (inclusive) when given, granted accesses only unless granted_only is false.
Staff only. Errors: DU014 granted_only is null.$$;

grant execute on function
    api.item_create(text, text, text, boolean),
    api.item_list(),
    api.device_create(text, text),
    api.device_disable(bigint),
    api.badge_assign(bigint, text, text),
    api.badge_revoke(text, text),
    api.access_grant(bigint, bigint, text),
    api.access_revoke(bigint, bigint, text),
    api.certification_grant(bigint, bigint, bigint, text),
    api.certification_revoke(bigint, bigint, text),
    api.certification_list(bigint, bigint),
    api.access_log(bigint, bigint, date, int),
    api.access_heatmap(bigint, date, date, boolean)
to dues_staff;
