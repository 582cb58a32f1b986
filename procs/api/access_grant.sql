create or replace function api.access_grant(group_id bigint, item_id bigint, why text default null)
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

grant execute on function api.access_grant(bigint, bigint, text) to dues_staff;
