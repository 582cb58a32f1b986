-- Gives a user a role on an organization or on a service order (replacing the role it held there).
create or replace function api.role_grant(member_id bigint, role text, organization_id bigint default null,
                                          service_order_id bigint default null)
returns table (role_id bigint, on_organization_id bigint, on_service_order_id bigint, granted_role text,
               granted_at timestamptz, granted_by text)
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_user dues.member;
begin
    perform dues.require_argument('role', role_grant.role is null);
    if num_nonnulls(role_grant.organization_id, role_grant.service_order_id) <> 1 then
        raise exception 'a role is granted on an organization_id or on a service_order_id, exactly one of them'
            using errcode = 'DU01F';
    end if;
    if role_grant.organization_id is not null then
        perform dues.authorize_member(role_grant.organization_id, 'pay');
        perform dues.member_lock(role_grant.organization_id);
    else
        perform dues.authorize_service_order(role_grant.service_order_id, 'pay');
        if not exists (select from dues.service_order so where so.id = role_grant.service_order_id) then
            raise exception 'service order % not found', role_grant.service_order_id
                using errcode = 'DUB03';
        end if;
        perform dues.member_lock((select so.member_id from dues.service_order so where so.id = role_grant.service_order_id));
        if exists (select from dues.service_order so where so.id = role_grant.service_order_id and so.closed_at is not null) then
            raise exception 'service order % is closed', role_grant.service_order_id
                using errcode = 'DUB18';
        end if;
    end if;
    v_user := dues.member_get(role_grant.member_id);
    if role_grant.role not in ('manager', 'contributor') then
        raise exception 'role must be manager or contributor, got %', role_grant.role
            using errcode = 'DU019';
    end if;
    if v_user.kind <> 'person' then
        raise exception 'member % is an organization: roles are held by users (members of kind person)', v_user.id
            using errcode = 'DU01G';
    end if;

    if role_grant.organization_id is not null then
        if v_user.id = role_grant.organization_id then
            raise exception 'member % cannot hold a role on itself', v_user.id
                using errcode = 'DU01H';
        end if;
        if not exists (select from dues.organization_role r
                        where r.member_id = v_user.id and r.organization_id = role_grant.organization_id
                          and r.revoked_at is null and r.role = role_grant.role) then
            update dues.organization_role r set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
             where r.member_id = v_user.id and r.organization_id = role_grant.organization_id and r.revoked_at is null;
            insert into dues.organization_role (member_id, organization_id, role)
            values (v_user.id, role_grant.organization_id, role_grant.role);
        end if;
        return query
            select r.id, r.organization_id, null::bigint, r.role, r.granted_at, r.granted_by
              from dues.organization_role r
             where r.member_id = v_user.id and r.organization_id = role_grant.organization_id and r.revoked_at is null;
    else
        if not exists (select from dues.service_order_role r
                        where r.member_id = v_user.id and r.service_order_id = role_grant.service_order_id
                          and r.revoked_at is null and r.role = role_grant.role) then
            update dues.service_order_role r set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
             where r.member_id = v_user.id and r.service_order_id = role_grant.service_order_id and r.revoked_at is null;
            insert into dues.service_order_role (member_id, service_order_id, role)
            values (v_user.id, role_grant.service_order_id, role_grant.role);
        end if;
        return query
            select r.id, null::bigint, r.service_order_id, r.role, r.granted_at, r.granted_by
              from dues.service_order_role r
             where r.member_id = v_user.id and r.service_order_id = role_grant.service_order_id and r.revoked_at is null;
    end if;
end
$$;

comment on function api.role_grant(bigint, text, bigint, bigint) is
$$Gives a user (member_id, a member of kind person) a role, manager or contributor, on an organization (organization_id) or on one
service order (service_order_id), exactly one of the two. Managers may pay and administer (billing, contacts, roles, cancelling
subscriptions); contributors may use (see the data) but not pay or administer. A user holds one role per organization or service order:
granting another revokes the previous one; granting the same again changes nothing. Every grant and revocation is kept (who, when).
Returns the role now held (one row).
Errors: DU014 member_id or role is null, DU001 unknown member or organization, DUB03 unknown service order, DUB18 closed service order,
DU019 unknown role, DU01F neither or both targets, DU01G a user that is an organization or a target member that is not one,
DU01H a role on itself,
42501 not allowed (it needs the right to pay for the organization or the service order: staff, its managers, the member itself).$$;

grant execute on function api.role_grant(bigint, text, bigint, bigint) to dues_member, dues_staff;
