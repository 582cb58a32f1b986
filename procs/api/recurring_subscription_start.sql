-- Starts a recurring subscription in one call: class_subscription_request, order_confirm and class_subscription_confirm.
create or replace function api.recurring_subscription_start(member_id bigint, class_id bigint, params jsonb default '{}',
                                                            discount_code text default null)
returns dues.recurring_subscription
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_class dues.class;
    v_order dues.subscription_order;
    v_cs    dues.class_subscription;
    v_sub   dues.recurring_subscription;
begin
    perform dues.authorize_member(recurring_subscription_start.member_id, 'pay');
    perform dues.member_get(recurring_subscription_start.member_id);
    v_class := dues.class_get(recurring_subscription_start.class_id);
    if v_class.rule <> 'recurring' then
        raise exception 'class % has rule %, not recurring: subscribe with class_subscription_request', v_class.id,
                        v_class.rule
            using errcode = 'DUB16';
    end if;
    v_order := api.class_subscription_request(recurring_subscription_start.member_id, v_class.id,
                                              recurring_subscription_start.params,
                                              recurring_subscription_start.discount_code);
    perform api.order_confirm(v_order.id);
    v_cs := api.class_subscription_confirm(v_order.id);
    select r.* into strict v_sub from dues.recurring_subscription r where r.class_subscription_id = v_cs.id;
    return v_sub;
end
$$;

comment on function api.recurring_subscription_start(bigint, bigint, jsonb, text) is
$$Subscribes a member to a recurring class (rule "recurring") in one call: the same as class_subscription_request, order_confirm and
class_subscription_confirm (the order costs nothing: the collector invoices the setup fee and every period). params are the rule's
request parameters: {"start_date": "YYYY-MM-DD"} (default today, not in the past) and {"service_order_id": N} (one of the member's
open service orders). discount_code: a discount's code (discount_create): each period the collector bills, for the discount's
periods (all when null), gets an invoice line of kind discount taking its percent or amount off (never more than the period).
Returns the recurring subscription (class_subscription_id, member_id, class_id, service_order_id, start_date,
anchor_date, end_date: last day of a one_time or fixed term, null when it renews until cancelled, billed_until, …).
Errors: DU014 member_id or class_id is null, DU001 unknown member, DU002 unknown class, DUB16 the class is not recurring,
DU012 a start date in the past, DUB03 unknown service order, DUB18 closed service order, DUB12 the member is linked (its master is billed),
DUB10 it would overlap another subscription of the member to the class in the same service order, DU720 unknown discount code,
DU724 the discount ended, DU721 not valid today, DU723 not for this class (or an amount in another currency), DU722 used up,
42501 not allowed.$$;

grant execute on function api.recurring_subscription_start(bigint, bigint, jsonb, text) to dues_member, dues_staff;
