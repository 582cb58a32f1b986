-- Requests a class subscription: opens an order for a member and a class, priced and dated by the class's subscription rule.
create or replace function api.class_subscription_request(member_id bigint, class_id bigint, params jsonb default '{}',
                                                          discount_code text default null)
returns dues.subscription_order
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(class_subscription_request.member_id, 'pay');
    return dues.order_open(class_subscription_request.member_id, class_subscription_request.class_id,
                           class_subscription_request.params, dues.local_date(pg_catalog.now()),
                           class_subscription_request.discount_code);
end
$$;

comment on function api.class_subscription_request(bigint, bigint, jsonb, text) is
$$Step 1 of subscribing: a member asks to subscribe to a class. params is a JSON object of the rule's request-level parameters
(see rule_list, scope "request"; e.g. {"start_date": "2027-01-01"} or {"amount": "30.00"}); the class's subscription rule computes
the amount (in the class currency), start_date and end_date (inclusive; null when open-ended). Returns the new order in state "opened".
discount_code: a discount's code (discount_create) the order takes: its amount is what the discount leaves of the rule's price
(never below 0); for a recurring class the discount reduces the periods the collector bills instead (an invoice line of kind discount
on each, for the discount's periods). One discount per order.
Next: register_payment for the amount (unless it is 0), then order_confirm, then class_subscription_confirm.
Errors: DU014 member_id or class_id is null, DU001 unknown member, DU002 unknown class, DU01K params not an object,
DU010 a required parameter is missing, DU011 unknown parameter (or one the class sets), DU012 a value is invalid for its type or refused by the rule,
DU30A the class is closed, DU704 the member holds a subscription (or a confirmed order) of the class for days that overlap the ones asked
for: a member buys a class once for any day, unless the class's rule allows overlaps (per_session packs). With discount_code:
DU720 unknown code, DU724 the discount ended, DU721 not valid today, DU723 not for this class (or an amount in another currency),
DU722 used up (max_uses).$$;

grant execute on function api.class_subscription_request(bigint, bigint, jsonb, text) to dues_member, dues_staff;
