-- Requests a class subscription: opens an order for a member and a class, priced and dated by the class's subscription rule.
create or replace function api.class_subscription_request(member_id bigint, class_id bigint, params jsonb default '{}')
returns dues.subscription_order
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(class_subscription_request.member_id, 'pay');
    return dues.order_open(class_subscription_request.member_id, class_subscription_request.class_id,
                           class_subscription_request.params, dues.local_date(pg_catalog.now()));
end
$$;

comment on function api.class_subscription_request(bigint, bigint, jsonb) is
$$Step 1 of subscribing: a member asks to subscribe to a class. params is a JSON object of the rule's request-level parameters
(see rule_list, scope "request"; e.g. {"start_date": "2027-01-01"} or {"amount": "30.00"}); the class's subscription rule computes
the amount (in the class currency), start_date and end_date (inclusive; null when open-ended). Returns the new order in state "opened".
Next: register_payment for the amount (unless it is 0), then order_confirm, then class_subscription_confirm.
Errors: DU014 member_id or class_id is null, DU001 unknown member, DU002 unknown class, DU01K params not an object,
DU010 a required parameter is missing, DU011 unknown parameter (or one the class sets), DU012 a value is invalid for its type or refused by the rule,
DU30A the class is closed, DU704 the member holds a subscription (or a confirmed order) of the class for days that overlap the ones asked
for: a member buys a class once for any day, unless the class's rule allows overlaps (per_session packs).$$;

grant execute on function api.class_subscription_request(bigint, bigint, jsonb) to dues_member, dues_staff;
