-- Who may call which api function (V202611220100__access revoked them all
-- from public). Inside, dues.authorize_member and dues.authorize_order decide
-- whose data a member may touch.

-- Anyone, without a token: what a sign-up page needs to show.
grant execute on function
    api.rule_list()
to dues_anonymous, dues_member, dues_staff;

-- A member, on its own data and its organisations' (checked inside).
grant execute on function
    api.member_balance(bigint),
    api.member_subscriptions(bigint),
    api.subscription_request(bigint, bigint, jsonb),
    api.order_confirm(bigint),
    api.order_cancel(bigint),
    api.class_subscription_confirm(bigint)
to dues_member, dues_staff;

-- Staff only: money from outside, members, classes, reports and the ledger.
grant execute on function
    api.ledger_check(),
    api.member_create(text, text, text),
    api.class_create(text, text, jsonb, text, text),
    api.class_students(bigint, date),
    api.register_payment(bigint, numeric, text, text, text)
to dues_staff;
