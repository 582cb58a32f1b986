-- One name per concept (docs/glossary.md): the functions of class subscriptions share one prefix, and a class subscription is
-- named by class_subscription_id. api.subscription_request (it requests a class subscription: opens an order) is
-- api.class_subscription_request, api.member_subscriptions is api.class_subscription_list (answering class_subscription_id),
-- and dues.subscription_open, which opens an order, is dues.order_open. Their procs/ files make the new ones.
drop function if exists api.subscription_request(bigint, bigint, jsonb);
drop function if exists api.member_subscriptions(bigint);
drop function if exists dues.subscription_open(bigint, bigint, jsonb, date);
