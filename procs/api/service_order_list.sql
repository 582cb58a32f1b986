-- A member's service orders with their subscriptions and users.
create or replace function api.service_order_list(member_id bigint)
returns table (service_order_id bigint, name text, closed_at timestamptz, subscriptions jsonb, roles jsonb)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(service_order_list.member_id, 'use');
    perform dues.member_get(service_order_list.member_id);
    return query
        select so.id, so.name, so.closed_at,
               coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'class_subscription_id', r.class_subscription_id, 'class_id', r.class_id,
                                    'start_date', r.start_date, 'end_date', r.end_date) order by r.start_date, r.class_subscription_id)
                           from dues.recurring_subscription r where r.service_order_id = so.id), '[]'),
               coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'member_id', ro.member_id, 'role', ro.role, 'granted_at', ro.granted_at) order by ro.member_id)
                           from dues.service_order_role ro where ro.service_order_id = so.id and ro.revoked_at is null), '[]')
          from dues.service_order so
         where so.member_id = service_order_list.member_id
         order by so.id;
end
$$;

comment on function api.service_order_list(bigint) is
$$Lists a member's service orders: id, name, closed_at (null while open), its subscriptions (class_subscription_id, class_id, start_date,
end_date) and the users holding a role on it now (member_id, role, granted_at).
Errors: DU014 member_id is null, DU001 unknown member, 42501 not allowed.$$;

grant execute on function api.service_order_list(bigint) to dues_member, dues_staff;
