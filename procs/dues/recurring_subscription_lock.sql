-- The recurring subscription with this id, locked with its member's billing lock; DU014 null, DUB02 unknown.
-- The caller must be allowed p_action on its service order (or on its member when it has none).
create or replace function dues.recurring_subscription_lock(p_subscription_id bigint, p_action text)
returns dues.recurring_subscription
language plpgsql
set search_path = ''
as $$
declare
    v_sub dues.recurring_subscription;
begin
    perform dues.require_argument('subscription_id', p_subscription_id is null);
    select r.* into v_sub from dues.recurring_subscription r where r.class_subscription_id = p_subscription_id;
    if not found then
        if not dues.caller_is_staff() then
            raise exception 'not allowed to act on subscription %', p_subscription_id
                using errcode = '42501';
        end if;
        raise exception 'recurring subscription % not found', p_subscription_id
            using errcode = 'DUB02';
    end if;
    if v_sub.service_order_id is not null then
        perform dues.authorize_service_order(v_sub.service_order_id, p_action);
    else
        perform dues.authorize_member(v_sub.member_id, p_action);
    end if;
    perform dues.member_lock(v_sub.member_id);
    select r.* into strict v_sub from dues.recurring_subscription r where r.class_subscription_id = p_subscription_id for update;
    return v_sub;
end
$$;
