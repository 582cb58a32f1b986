-- Takes a user's role on an organization or on a service order away.
create or replace function api.role_revoke(member_id bigint, organization_id bigint default null, service_order_id bigint default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.require_argument('member_id', role_revoke.member_id is null);
    if num_nonnulls(role_revoke.organization_id, role_revoke.service_order_id) <> 1 then
        raise exception 'a role is revoked on an organization_id or on a service_order_id, exactly one of them'
            using errcode = 'DU01F';
    end if;
    if role_revoke.organization_id is not null then
        perform dues.authorize_member(role_revoke.organization_id, 'pay');
        update dues.organization_role r set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
         where r.member_id = role_revoke.member_id and r.organization_id = role_revoke.organization_id and r.revoked_at is null;
    else
        perform dues.authorize_service_order(role_revoke.service_order_id, 'pay');
        update dues.service_order_role r set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
         where r.member_id = role_revoke.member_id and r.service_order_id = role_revoke.service_order_id and r.revoked_at is null;
    end if;
    if not found then
        raise exception 'member % holds no role on %', role_revoke.member_id,
                        coalesce('organization ' || role_revoke.organization_id, 'service order ' || role_revoke.service_order_id)
            using errcode = 'DUB07';
    end if;
end
$$;

comment on function api.role_revoke(bigint, bigint, bigint) is
$$Revokes the role a user (member_id) holds on an organization (organization_id) or a service order (service_order_id), exactly one of
the two. The role is kept as history with revoked_at and revoked_by.
Errors: DU014 member_id is null, DU01F neither or both targets, DUB07 the user holds no role there, 42501 not allowed (it needs the right
to pay for the organization or the service order).$$;

grant execute on function api.role_revoke(bigint, bigint, bigint) to dues_member, dues_staff;
