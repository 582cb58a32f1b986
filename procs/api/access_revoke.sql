create or replace function api.access_revoke(group_id bigint, item_id bigint, why text default null)
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

grant execute on function api.access_revoke(bigint, bigint, text) to dues_staff;
