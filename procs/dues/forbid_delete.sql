-- Trigger: refuses DELETE and TRUNCATE (and UPDATE where attached) on tables that history depends on. The one exception:
-- api.member_erase rewrites the logs that name a person (UPDATE only, while it runs: setting dues.erasure).
create or replace function dues.forbid_delete()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op = 'UPDATE' and pg_catalog.current_setting('dues.erasure', true) = 'on' then
        return new;
    end if;
    raise exception '% on %.% is refused: history is never deleted or rewritten', tg_op, tg_table_schema, tg_table_name
        using errcode = 'DU042',
              hint = 'record a status change or a reversing entry instead';
end
$$;

create or replace trigger member_forbid_delete
    before delete on dues.member
    for each row execute function dues.forbid_delete();
create or replace trigger member_forbid_truncate
    before truncate on dues.member
    for each statement execute function dues.forbid_delete();
create or replace trigger payment_forbid_delete
    before update or delete on dues.payment
    for each row execute function dues.forbid_delete();
create or replace trigger payment_forbid_truncate
    before truncate on dues.payment
    for each statement execute function dues.forbid_delete();
create or replace trigger membership_dues_receipt_forbid_delete
    before update or delete on dues.membership_dues_receipt
    for each row execute function dues.forbid_delete();
create or replace trigger membership_dues_receipt_forbid_truncate
    before truncate on dues.membership_dues_receipt
    for each statement execute function dues.forbid_delete();
create or replace trigger group_forbid_delete before delete on dues."group"
    for each row execute function dues.forbid_delete();
create or replace trigger class_forbid_delete before delete on dues.class
    for each row execute function dues.forbid_delete();
create or replace trigger class_subscription_parameter_forbid_delete before delete on dues.class_subscription_parameter
    for each row execute function dues.forbid_delete();
create or replace trigger subscription_order_forbid_delete before delete on dues.subscription_order
    for each row execute function dues.forbid_delete();
create or replace trigger class_subscription_forbid_delete before delete on dues.class_subscription
    for each row execute function dues.forbid_delete();
create or replace trigger group_membership_forbid_delete before delete on dues.group_membership
    for each row execute function dues.forbid_delete();
create or replace trigger group_forbid_truncate before truncate on dues."group"
    for each statement execute function dues.forbid_delete();
create or replace trigger class_forbid_truncate before truncate on dues.class
    for each statement execute function dues.forbid_delete();
create or replace trigger class_subscription_parameter_forbid_truncate before truncate on dues.class_subscription_parameter
    for each statement execute function dues.forbid_delete();
create or replace trigger subscription_order_forbid_truncate before truncate on dues.subscription_order
    for each statement execute function dues.forbid_delete();
create or replace trigger class_subscription_forbid_truncate before truncate on dues.class_subscription
    for each statement execute function dues.forbid_delete();
create or replace trigger group_membership_forbid_truncate before truncate on dues.group_membership
    for each statement execute function dues.forbid_delete();
create or replace trigger organization_role_forbid_delete
    before delete on dues.organization_role
    for each row execute function dues.forbid_delete();
create or replace trigger outbox_forbid_delete
    before delete on dues.outbox
    for each row execute function dues.forbid_delete();
create or replace trigger provider_forbid_delete before delete on dues.provider
    for each row execute function dues.forbid_delete();
create or replace trigger provider_forbid_truncate before truncate on dues.provider
    for each statement execute function dues.forbid_delete();
create or replace trigger member_contact_forbid_delete before delete on dues.member_contact
    for each row execute function dues.forbid_delete();
create or replace trigger member_contact_forbid_truncate before truncate on dues.member_contact
    for each statement execute function dues.forbid_delete();
create or replace trigger service_order_forbid_delete before delete on dues.service_order
    for each row execute function dues.forbid_delete();
create or replace trigger service_order_forbid_truncate before truncate on dues.service_order
    for each statement execute function dues.forbid_delete();
create or replace trigger service_order_role_forbid_delete before delete on dues.service_order_role
    for each row execute function dues.forbid_delete();
create or replace trigger service_order_role_forbid_truncate before truncate on dues.service_order_role
    for each statement execute function dues.forbid_delete();
create or replace trigger recurring_subscription_forbid_delete before delete on dues.recurring_subscription
    for each row execute function dues.forbid_delete();
create or replace trigger recurring_subscription_forbid_truncate before truncate on dues.recurring_subscription
    for each statement execute function dues.forbid_delete();
create or replace trigger period_amount_override_forbid_delete before update or delete on dues.period_amount_override
    for each row execute function dues.forbid_delete();
create or replace trigger period_amount_override_forbid_truncate before truncate on dues.period_amount_override
    for each statement execute function dues.forbid_delete();
create or replace trigger charge_forbid_delete before update or delete on dues.charge
    for each row execute function dues.forbid_delete();
create or replace trigger charge_cancellation_forbid_delete before update or delete on dues.charge_cancellation
    for each row execute function dues.forbid_delete();
create or replace trigger charge_cancellation_forbid_truncate before truncate on dues.charge_cancellation
    for each statement execute function dues.forbid_delete();
create or replace trigger charge_forbid_truncate before truncate on dues.charge
    for each statement execute function dues.forbid_delete();
create or replace trigger invoice_forbid_delete before delete on dues.invoice
    for each row execute function dues.forbid_delete();
create or replace trigger invoice_forbid_truncate before truncate on dues.invoice
    for each statement execute function dues.forbid_delete();
create or replace trigger invoice_line_forbid_delete before delete on dues.invoice_line
    for each row execute function dues.forbid_delete();
create or replace trigger invoice_line_forbid_truncate before truncate on dues.invoice_line
    for each statement execute function dues.forbid_delete();
create or replace trigger invoice_status_change_forbid_delete before update or delete on dues.invoice_status_change
    for each row execute function dues.forbid_delete();
create or replace trigger invoice_status_change_forbid_truncate before truncate on dues.invoice_status_change
    for each statement execute function dues.forbid_delete();
create or replace trigger settlement_forbid_delete before update or delete on dues.settlement
    for each row execute function dues.forbid_delete();
create or replace trigger settlement_forbid_truncate before truncate on dues.settlement
    for each statement execute function dues.forbid_delete();
create or replace trigger refund_forbid_delete before update or delete on dues.refund
    for each row execute function dues.forbid_delete();
create or replace trigger refund_forbid_truncate before truncate on dues.refund
    for each statement execute function dues.forbid_delete();
create or replace trigger proration_credit_forbid_delete before update or delete on dues.proration_credit
    for each row execute function dues.forbid_delete();
create or replace trigger proration_credit_forbid_truncate before truncate on dues.proration_credit
    for each statement execute function dues.forbid_delete();
create or replace trigger ledger_booking_forbid_delete before update or delete on dues.ledger_booking
    for each row execute function dues.forbid_delete();
create or replace trigger ledger_booking_forbid_truncate before truncate on dues.ledger_booking
    for each statement execute function dues.forbid_delete();
create or replace trigger invoice_reminder_forbid_delete before update or delete on dues.invoice_reminder
    for each row execute function dues.forbid_delete();
create or replace trigger invoice_reminder_forbid_truncate before truncate on dues.invoice_reminder
    for each statement execute function dues.forbid_delete();
create or replace trigger member_standing_forbid_delete before delete on dues.member_standing
    for each row execute function dues.forbid_delete();
create or replace trigger member_standing_forbid_truncate before truncate on dues.member_standing
    for each statement execute function dues.forbid_delete();
create or replace trigger standing_change_forbid_delete before update or delete on dues.standing_change
    for each row execute function dues.forbid_delete();
create or replace trigger standing_change_forbid_truncate before truncate on dues.standing_change
    for each statement execute function dues.forbid_delete();
create or replace trigger standing_group_membership_forbid_delete before update or delete on dues.standing_group_membership
    for each row execute function dues.forbid_delete();
create or replace trigger standing_group_membership_forbid_truncate before truncate on dues.standing_group_membership
    for each statement execute function dues.forbid_delete();
create or replace trigger collect_run_forbid_delete before delete on dues.collect_run
    for each row execute function dues.forbid_delete();
create or replace trigger collect_run_forbid_truncate before truncate on dues.collect_run
    for each statement execute function dues.forbid_delete();
create or replace trigger collect_error_forbid_delete before update or delete on dues.collect_error
    for each row execute function dues.forbid_delete();
create or replace trigger collect_error_forbid_truncate before truncate on dues.collect_error
    for each statement execute function dues.forbid_delete();
create or replace trigger member_link_forbid_delete before delete on dues.member_link
    for each row execute function dues.forbid_delete();
create or replace trigger member_link_forbid_truncate before truncate on dues.member_link
    for each statement execute function dues.forbid_delete();
create or replace trigger audit_log_forbid_delete before update or delete on dues.audit_log
    for each row execute function dues.forbid_delete();
create or replace trigger audit_log_forbid_truncate before truncate on dues.audit_log
    for each statement execute function dues.forbid_delete();
create or replace trigger membership_forbid_delete before delete on dues.membership
    for each row execute function dues.forbid_delete();
create or replace trigger membership_forbid_truncate before truncate on dues.membership
    for each statement execute function dues.forbid_delete();
create or replace trigger membership_status_change_forbid_delete before update or delete on dues.membership_status_change
    for each row execute function dues.forbid_delete();
create or replace trigger membership_status_change_forbid_truncate before truncate on dues.membership_status_change
    for each statement execute function dues.forbid_delete();

-- the raw message is never truncated (deletes: dues.ipn_message_guard_delete); its history never changes
create or replace trigger ipn_message_forbid_truncate before truncate on dues.ipn_message
    for each statement execute function dues.forbid_delete();
create or replace trigger ipn_log_forbid_update before update on dues.ipn_log
    for each row execute function dues.forbid_delete();
create or replace trigger ipn_log_forbid_truncate before truncate on dues.ipn_log
    for each statement execute function dues.forbid_delete();
create or replace trigger access_log_forbid_delete before update or delete on dues.access_log
    for each row execute function dues.forbid_delete();
create or replace trigger access_log_forbid_truncate before truncate on dues.access_log
    for each statement execute function dues.forbid_delete();
create or replace trigger badge_forbid_delete before delete on dues.badge
    for each row execute function dues.forbid_delete();
create or replace trigger access_grant_forbid_delete before delete on dues.access_grant
    for each row execute function dues.forbid_delete();
create or replace trigger certification_forbid_delete before delete on dues.certification
    for each row execute function dues.forbid_delete();
create or replace trigger item_forbid_delete before delete on dues.item
    for each row execute function dues.forbid_delete();
create or replace trigger device_forbid_delete before delete on dues.device
    for each row execute function dues.forbid_delete();
create or replace trigger storage_slot_type_forbid_delete before delete on dues.storage_slot_type
    for each row execute function dues.forbid_delete();
create or replace trigger storage_slot_forbid_delete before delete on dues.storage_slot
    for each row execute function dues.forbid_delete();
create or replace trigger storage_assignment_forbid_delete before delete on dues.storage_assignment
    for each row execute function dues.forbid_delete();
create or replace trigger storage_renewal_forbid_delete before delete on dues.storage_renewal
    for each row execute function dues.forbid_delete();
create or replace trigger storage_assignment_forbid_truncate before truncate on dues.storage_assignment
    for each statement execute function dues.forbid_delete();
create or replace trigger storage_renewal_forbid_truncate before truncate on dues.storage_renewal
    for each statement execute function dues.forbid_delete();
create or replace trigger paypal_email_claim_forbid_delete before delete on dues.paypal_email_claim
    for each row execute function dues.forbid_delete();
create or replace trigger paypal_email_claim_forbid_truncate before truncate on dues.paypal_email_claim
    for each statement execute function dues.forbid_delete();

create or replace trigger organization_role_forbid_truncate before truncate on dues.organization_role
    for each statement execute function dues.forbid_delete();
create or replace trigger outbox_forbid_truncate before truncate on dues.outbox
    for each statement execute function dues.forbid_delete();
create or replace trigger item_forbid_truncate before truncate on dues.item
    for each statement execute function dues.forbid_delete();
create or replace trigger device_forbid_truncate before truncate on dues.device
    for each statement execute function dues.forbid_delete();
create or replace trigger badge_forbid_truncate before truncate on dues.badge
    for each statement execute function dues.forbid_delete();
create or replace trigger access_grant_forbid_truncate before truncate on dues.access_grant
    for each statement execute function dues.forbid_delete();
create or replace trigger certification_forbid_truncate before truncate on dues.certification
    for each statement execute function dues.forbid_delete();
create or replace trigger storage_slot_type_forbid_truncate before truncate on dues.storage_slot_type
    for each statement execute function dues.forbid_delete();
create or replace trigger storage_slot_forbid_truncate before truncate on dues.storage_slot
    for each statement execute function dues.forbid_delete();

-- webhooks: deliveries as received, their events, their history and members' provider ids are kept (ids end, events
-- change state; the raw delivery never changes)
create or replace trigger webhook_message_forbid_delete before delete on dues.webhook_message
    for each row execute function dues.forbid_delete();
create or replace trigger webhook_message_forbid_truncate before truncate on dues.webhook_message
    for each statement execute function dues.forbid_delete();
create or replace trigger webhook_event_forbid_delete before delete on dues.webhook_event
    for each row execute function dues.forbid_delete();
create or replace trigger webhook_event_forbid_truncate before truncate on dues.webhook_event
    for each statement execute function dues.forbid_delete();
create or replace trigger webhook_log_forbid_delete before update or delete on dues.webhook_log
    for each row execute function dues.forbid_delete();
create or replace trigger webhook_log_forbid_truncate before truncate on dues.webhook_log
    for each statement execute function dues.forbid_delete();
create or replace trigger member_provider_ref_forbid_delete before delete on dues.member_provider_ref
    for each row execute function dues.forbid_delete();
create or replace trigger member_provider_ref_forbid_truncate before truncate on dues.member_provider_ref
    for each statement execute function dues.forbid_delete();

-- class subscriptions' cancellations (api.class_subscription_cancel) are history
create or replace trigger class_subscription_cancellation_forbid_delete before update or delete on dues.class_subscription_cancellation
    for each row execute function dues.forbid_delete();
create or replace trigger class_subscription_cancellation_forbid_truncate before truncate on dues.class_subscription_cancellation
    for each statement execute function dues.forbid_delete();
-- a waiting list's places are kept (a place ends as served, left or expired)
create or replace trigger class_waitlist_forbid_delete before delete on dues.class_waitlist
    for each row execute function dues.forbid_delete();
create or replace trigger class_waitlist_forbid_truncate before truncate on dues.class_waitlist
    for each statement execute function dues.forbid_delete();
-- a class's sessions and who attended them are kept
create or replace trigger class_session_forbid_delete before delete on dues.class_session
    for each row execute function dues.forbid_delete();
create or replace trigger class_session_forbid_truncate before truncate on dues.class_session
    for each statement execute function dues.forbid_delete();
create or replace trigger class_attendance_forbid_delete before update or delete on dues.class_attendance
    for each row execute function dues.forbid_delete();
create or replace trigger class_attendance_forbid_truncate before truncate on dues.class_attendance
    for each statement execute function dues.forbid_delete();
-- imports: opening balances (never rewritten: a correction is a payment or a charge) and the lines of bank statements
-- (their state changes as staff assigns them; api.member_erase erases their payer)
create or replace trigger opening_balance_forbid_delete before update or delete on dues.opening_balance
    for each row execute function dues.forbid_delete();
create or replace trigger opening_balance_forbid_truncate before truncate on dues.opening_balance
    for each statement execute function dues.forbid_delete();
create or replace trigger bank_line_forbid_delete before delete on dues.bank_line
    for each row execute function dues.forbid_delete();
create or replace trigger bank_line_forbid_truncate before truncate on dues.bank_line
    for each statement execute function dues.forbid_delete();
create or replace trigger recurring_subscription_pause_forbid_delete before delete on dues.recurring_subscription_pause
    for each row execute function dues.forbid_delete();
create or replace trigger recurring_subscription_pause_forbid_truncate before truncate on dues.recurring_subscription_pause
    for each statement execute function dues.forbid_delete();
create or replace trigger pause_credit_forbid_delete before update or delete on dues.pause_credit
    for each row execute function dues.forbid_delete();
create or replace trigger pause_credit_forbid_truncate before truncate on dues.pause_credit
    for each statement execute function dues.forbid_delete();
-- discounts: a discount is ended, never deleted; its classes, claims and uses are never changed
create or replace trigger discount_forbid_delete before delete on dues.discount
    for each row execute function dues.forbid_delete();
create or replace trigger discount_forbid_truncate before truncate on dues.discount
    for each statement execute function dues.forbid_delete();
create or replace trigger discount_class_forbid_delete before update or delete on dues.discount_class
    for each row execute function dues.forbid_delete();
create or replace trigger discount_class_forbid_truncate before truncate on dues.discount_class
    for each statement execute function dues.forbid_delete();
create or replace trigger discount_claim_forbid_delete before update or delete on dues.discount_claim
    for each row execute function dues.forbid_delete();
create or replace trigger discount_claim_forbid_truncate before truncate on dues.discount_claim
    for each statement execute function dues.forbid_delete();
create or replace trigger discount_use_forbid_delete before update or delete on dues.discount_use
    for each row execute function dues.forbid_delete();
create or replace trigger discount_use_forbid_truncate before truncate on dues.discount_use
    for each statement execute function dues.forbid_delete();
