-- Ends a recurring subscription after a last day (default today), crediting invoiced days it no longer covers.
create or replace function api.recurring_subscription_cancel(class_subscription_id bigint, end_date date default null,
                                                              why text default null)
returns dues.recurring_subscription
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_sub dues.recurring_subscription :=
              dues.recurring_subscription_lock(recurring_subscription_cancel.class_subscription_id, 'pay');
    v_end date := coalesce(recurring_subscription_cancel.end_date, dues.local_date(pg_catalog.now()));
begin
    perform dues.recurring_subscription_day_check(v_end, 'end', recurring_subscription_cancel.why);
    if v_sub.ended_at is not null then
        raise exception 'subscription % was already cancelled: its last day is %', v_sub.class_subscription_id, v_sub.end_date
            using errcode = 'DUB15';
    end if;
    if v_end < v_sub.start_date or v_end > v_sub.end_date then
        raise exception 'subscription % runs from % to %: it cannot end on %', v_sub.class_subscription_id, v_sub.start_date,
                        coalesce(v_sub.end_date::text, 'open end'), v_end
            using errcode = 'DUB15';
    end if;
    return dues.recurring_subscription_end(v_sub, v_end, dues.local_date(pg_catalog.now()));
end
$$;

comment on function api.recurring_subscription_cancel(bigint, date, text) is
$$Cancels a recurring subscription (class_subscription_id, as recurring_subscription_start and recurring_subscription_list answer it): end_date (default today) becomes its last day covered. Periods are no longer billed after it; the
period it falls in is billed only up to it; a period already invoiced is credited back for the days after it (the exact part of the
period's amount those days cost, by days) to the member's credit, which then settles open invoices. The group memberships the subscription
gave end after end_date. Returns the subscription. A subscription is cancelled once. A member cancels from today on; staff may choose
an earlier end_date with a reason (why), kept in the audit log with the change.
Errors: DU014 class_subscription_id is null, or staff gave an end_date before today without why, DUB02 unknown subscription, DUB15 already
cancelled, or end_date before its start or after the end of its term, DUB19 a member's end_date before today, 42501 not allowed (it needs
the right to pay for the member, or the manager role on its service order).$$;

grant execute on function api.recurring_subscription_cancel(bigint, date, text) to dues_member, dues_staff;
