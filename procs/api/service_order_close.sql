-- Closes a service order that holds no running subscription.
create or replace function api.service_order_close(service_order_id bigint)
returns dues.service_order
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_order dues.service_order;
begin
    perform dues.require_argument('service_order_id', service_order_close.service_order_id is null);
    perform dues.authorize_service_order(service_order_close.service_order_id, 'pay');
    select so.* into v_order from dues.service_order so where so.id = service_order_close.service_order_id;
    if not found then
        raise exception 'service order % not found', service_order_close.service_order_id
            using errcode = 'DUB03';
    end if;
    perform dues.member_lock(v_order.member_id);
    if v_order.closed_at is not null then
        return v_order;
    end if;
    if exists (select from dues.recurring_subscription r
                where r.service_order_id = v_order.id and (r.end_date is null or r.end_date >= dues.local_date(pg_catalog.now()))) then
        raise exception 'service order % still holds running subscriptions', v_order.id
            using errcode = 'DUB15',
                  hint = 'cancel them first (recurring_subscription_cancel)';
    end if;
    update dues.service_order so set closed_at = pg_catalog.now(), closed_by = dues.actor() where so.id = v_order.id
    returning so.* into v_order;
    update dues.service_order_role r set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
     where r.service_order_id = v_order.id and r.revoked_at is null;
    return v_order;
end
$$;

comment on function api.service_order_close(bigint) is
$$Closes a service order whose subscriptions have all ended: its roles are revoked, and it is kept as history. Closing it twice is
harmless. Returns the service order.
Errors: DU014 service_order_id is null, DUB03 unknown service order, DUB15 a subscription in it still runs, 42501 not allowed (the member,
its managers, staff, or a manager of the service order).$$;

grant execute on function api.service_order_close(bigint) to dues_member, dues_staff;
