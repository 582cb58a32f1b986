-- Every role ever held on an organization or a service order, with who granted and revoked it.
create or replace function api.role_list(organization_id bigint default null, service_order_id bigint default null)
returns table (role_id bigint, member_id bigint, member_name text, role text, granted_at timestamptz, granted_by text,
               revoked_at timestamptz, revoked_by text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    if num_nonnulls(role_list.organization_id, role_list.service_order_id) <> 1 then
        raise exception 'roles are listed for an organization_id or for a service_order_id, exactly one of them'
            using errcode = 'DU01F';
    end if;
    if role_list.organization_id is not null then
        perform dues.authorize_member(role_list.organization_id, 'use');
        perform dues.member_get(role_list.organization_id);
        return query
            select r.id, r.member_id, m.name, r.role, r.granted_at, r.granted_by, r.revoked_at, r.revoked_by
              from dues.organization_role r
              join dues.member m on m.id = r.member_id
             where r.organization_id = role_list.organization_id
             order by r.granted_at, r.id;
    else
        perform dues.authorize_service_order(role_list.service_order_id, 'use');
        if not exists (select from dues.service_order so where so.id = role_list.service_order_id) then
            raise exception 'service order % not found', role_list.service_order_id
                using errcode = 'DUB03';
        end if;
        return query
            select r.id, r.member_id, m.name, r.role, r.granted_at, r.granted_by, r.revoked_at, r.revoked_by
              from dues.service_order_role r
              join dues.member m on m.id = r.member_id
             where r.service_order_id = role_list.service_order_id
             order by r.granted_at, r.id;
    end if;
end
$$;

comment on function api.role_list(bigint, bigint) is
$$The history of the roles on an organization (organization_id) or a service order (service_order_id), exactly one of the two: every
grant, oldest first, with the user (member_id, member_name), role, who granted it and when, and who revoked it and when (null while held).
Errors: DU01F neither or both targets, DU001 unknown organization, DUB03 unknown service order, 42501 not allowed.$$;

grant execute on function api.role_list(bigint, bigint) to dues_member, dues_staff;
