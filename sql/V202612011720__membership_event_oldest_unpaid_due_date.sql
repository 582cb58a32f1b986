-- One standing (first part): the membership status rules gain the event oldest_unpaid_due_date, the due date of the
-- member's oldest open invoice (billing's lateness), so that a site writes its membership status on invoice lateness
-- with the same rows it writes it on payment dates (docs/membership.md, "One standing").
alter table dues.membership_status_rule
    drop constraint membership_status_rule_start_event_check,
    drop constraint membership_status_rule_end_event_check,
    add constraint membership_status_rule_start_event_check
        check (start_event in ('join_date', 'start_date', 'end_date', 'last_payment_date', 'oldest_unpaid_due_date')),
    add constraint membership_status_rule_end_event_check
        check (end_event in ('join_date', 'start_date', 'end_date', 'last_payment_date', 'oldest_unpaid_due_date'));
