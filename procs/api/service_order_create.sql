-- Opens a named service order for a member.
create or replace function api.service_order_create(member_id bigint, name text)
returns dues.service_order
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_order dues.service_order;
begin
    perform dues.authorize_member(service_order_create.member_id, 'pay');
    perform dues.member_lock(service_order_create.member_id);
    perform dues.require_argument('name', service_order_create.name is null);
    if pg_catalog.btrim(service_order_create.name) = '' then
        raise exception 'name must not be blank'
            using errcode = 'DU017';
    end if;
    if exists (select from dues.service_order so
                where so.member_id = service_order_create.member_id and so.closed_at is null
                  and pg_catalog.lower(so.name) = pg_catalog.lower(pg_catalog.btrim(service_order_create.name))) then
        raise exception 'member % already has an open service order named %', service_order_create.member_id,
                        pg_catalog.btrim(service_order_create.name)
            using errcode = 'DU01B';
    end if;
    insert into dues.service_order as so (member_id, name)
    values (service_order_create.member_id, pg_catalog.btrim(service_order_create.name))
    returning so.* into v_order;
    return v_order;
end
$$;

comment on function api.service_order_create(bigint, text) is
$$Opens a service order for a member: a named set of its subscriptions (a hosting order for the main site, another for a campaign), with
its own users and roles (role_grant). Subscriptions join it with the recurring rule's service_order_id parameter. The name is unique among
the member's open orders (case-insensitively). Returns the service order.
Errors: DU014 member_id or name is null, DU001 unknown member, DU017 blank name, DU01B a name another open service order has, 42501 not allowed.$$;

grant execute on function api.service_order_create(bigint, text) to dues_member, dues_staff;
