-- What a member's request may call beyond the class subscription flow: its
-- own billing, contacts, service orders and roles, and its own membership.
-- Each function checks inside (dues.authorize_member, authorize_service_order,
-- invoice_authorized) that the member acts on its own data or on an
-- organisation or service order where it holds the needed role.

grant execute on function
    api.subscription_start(bigint, bigint, jsonb),
    api.subscription_cancel(bigint, date),
    api.subscription_change_class(bigint, bigint, date),
    api.recurring_subscription_list(bigint),
    api.invoice_get(bigint),
    api.invoice_list(bigint, text, date, date),
    api.member_standing(bigint, date),
    api.member_statement(bigint, date, date),
    api.contact_add(bigint, text, text, text, text, text),
    api.contact_remove(bigint),
    api.contact_list(bigint),
    api.service_order_create(bigint, text),
    api.service_order_close(bigint),
    api.service_order_list(bigint),
    api.role_grant(bigint, text, bigint, bigint),
    api.role_revoke(bigint, bigint, bigint),
    api.role_list(bigint, bigint),
    api.member_groups(bigint, date),
    api.member_paypal_email_set(bigint, text, text),
    api.membership_status(bigint),
    api.membership_resign(bigint, date, text),
    api.storage_renewal_request(bigint, text)
to dues_member;
