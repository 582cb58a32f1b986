-- The recurring subscription with this id, locked with its member's billing lock; DU014 null, DUB02 unknown (to staff).
-- The caller must be allowed p_action on its service order (or on its member when it has none); the refusal is the
-- same whether or not the subscription exists.
create or replace function dues.recurring_subscription_lock(p_class_subscription_id bigint, p_action text)
returns dues.recurring_subscription
language plpgsql
set search_path = ''
as $$
declare
    v_sub dues.recurring_subscription;
begin
    perform dues.require_argument('class_subscription_id', p_class_subscription_id is null);
    select r.* into v_sub from dues.recurring_subscription r where r.class_subscription_id = p_class_subscription_id;
    if not dues.caller_is_staff() and not coalesce(
        case when v_sub.service_order_id is not null
             then dues.caller_may_act(v_sub.member_id, p_action)
                  or exists (select from dues.service_order_role r
                              where r.member_id = dues.caller_member_id()
                                and r.service_order_id = v_sub.service_order_id
                                and r.revoked_at is null
                                and (r.role = 'manager' or p_action = 'use'))
             else dues.caller_may_act(v_sub.member_id, p_action)
        end, false) then
        perform dues.refuse_record('subscription', p_class_subscription_id, p_action);
    end if;
    if v_sub.class_subscription_id is null then
        raise exception 'recurring subscription % not found', p_class_subscription_id
            using errcode = 'DUB02';
    end if;
    perform dues.member_lock(v_sub.member_id);
    select r.* into strict v_sub from dues.recurring_subscription r where r.class_subscription_id = p_class_subscription_id for update;
    return v_sub;
end
$$;
