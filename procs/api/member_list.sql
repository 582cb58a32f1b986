-- Finds members by a part of their name or e-mail, kind, group and standing; newest first, a page at a time.
create or replace function api.member_list(q text default null, kind text default null, group_key text default null,
                                           standing text default null, "limit" int default 50, after bigint default null)
returns setof dues.member_summary
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_pattern text;
    v_group   bigint;
    v_today   date := dues.local_date(pg_catalog.now());
begin
    perform dues.authorize_staff();
    perform dues.list_check(member_list."limit", member_list.after);
    if member_list.kind not in ('person', 'organization') then
        raise exception 'kind must be person or organization, got %', member_list.kind
            using errcode = 'DU019';
    end if;
    if member_list.standing not in ('good', 'at_risk', 'suspended') then
        raise exception 'standing must be good, at_risk or suspended, got %', member_list.standing
            using errcode = 'DU019';
    end if;
    if member_list.group_key is not null then
        v_group := (dues.group_by_key(member_list.group_key)).id;
    end if;
    if nullif(pg_catalog.btrim(member_list.q), '') is not null then
        -- a part of the name or e-mail, as typed: % and _ are themselves
        v_pattern := '%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                         pg_catalog.btrim(member_list.q), '\', '\\'), '%', '\%'), '_', '\_') || '%';
    end if;
    -- only the conditions asked for, planned with their values: the search uses its trigram index, the rest the primary key
    return query execute
        'select m.id, m.kind, m.name, m.email, m.paypal_email, l.master_id, coalesce(s.standing, ''good''), ms.status, m.created_at
           from dues.member m
           left join dues.member_link l on l.member_id = m.id and l.unlinked_at is null
           left join dues.member_standing s on s.member_id = coalesce(l.master_id, m.id)
           left join dues.membership ms on ms.member_id = coalesce(l.master_id, m.id)
          where true'
        || case when member_list.after is not null then ' and m.id < $1' else '' end
        || case when v_pattern is not null then ' and (m.name || '' '' || m.email) ilike $2' else '' end
        || case when member_list.kind is not null then ' and m.kind = $3' else '' end
        || case when v_group is not null then
               ' and exists (select from dues.group_membership gm
                              where gm.group_id = $4 and gm.member_id = m.id and gm.during @> $5)' else '' end
        || case when member_list.standing is not null then ' and coalesce(s.standing, ''good'') = $6' else '' end
        || ' order by m.id desc limit $7'
        using member_list.after, v_pattern, member_list.kind, v_group, v_today, member_list.standing, member_list."limit";
end
$$;

comment on function api.member_list(text, text, text, text, int, bigint) is
$$Finds members, newest first: q a part of the name or e-mail address (case-insensitive), kind (person or organization),
group_key a group they are in today (members, pending_payments, board, …), standing (good, at_risk, suspended; a linked member has
its master's). Each row: id, kind, name, email, paypal_email, master_id (when linked), standing, membership_status (null without a
membership), created_at. A page of limit rows (50 by default, at most 500); the next page is after the last id seen. Staff only.
Errors: DU300 limit outside 1..500, DU301 after below 1, DU019 unknown kind or standing, DU110 unknown group key, 42501 not staff.$$;

grant execute on function api.member_list(text, text, text, text, int, bigint) to dues_staff;
