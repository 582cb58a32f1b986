-- Staff may call the ledger and subscription api functions (V202611220100__access revoked them from public).
-- What members and anonymous callers may call is granted per function, with dues.authorize_member checks inside.

grant execute on function
    api.ledger_check(),
    api.member_create(text, text, text),
    api.member_balance(bigint),
    api.member_subscriptions(bigint),
    api.rule_list(),
    api.class_create(text, text, jsonb, text, text),
    api.class_students(bigint, date),
    api.subscription_request(bigint, bigint, jsonb),
    api.register_payment(bigint, numeric, text, text, text),
    api.order_confirm(bigint),
    api.order_cancel(bigint),
    api.class_subscription_confirm(bigint)
to dues_staff;
