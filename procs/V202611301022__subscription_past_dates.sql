-- api.subscription_cancel and api.subscription_change_class take effect from today on for members; staff may choose an
-- earlier day with a reason (why), which the audit log keeps with the subscription's new end date.

-- Refuses a day before today (dues.local_date) unless the caller is staff and gives a reason: a member gets DUB19,
-- staff without why DU014. Records why for the audit log of the rest of the transaction.
create or replace function dues.subscription_day_check(p_day date, p_what text, p_why text)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_today date := dues.local_date(pg_catalog.now());
begin
    if p_day < v_today then
        if not dues.caller_is_staff() then
            raise exception 'a subscription cannot % before today (%): % is in the past', p_what, v_today, p_day
                using errcode = 'DUB19',
                      hint = 'choose today or a later day; staff can correct the past';
        end if;
        perform dues.require_argument('why', nullif(pg_catalog.btrim(p_why), '') is null);
    end if;
    perform dues.audit_why(nullif(pg_catalog.btrim(p_why), ''));
end
$$;

-- Ends a recurring subscription after a last day (default today), crediting invoiced days it no longer covers.
create or replace function api.subscription_cancel(subscription_id bigint, end_date date default null, why text default null)
returns dues.recurring_subscription
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_sub dues.recurring_subscription := dues.recurring_subscription_lock(subscription_cancel.subscription_id, 'pay');
    v_end date := coalesce(subscription_cancel.end_date, dues.local_date(pg_catalog.now()));
begin
    perform dues.subscription_day_check(v_end, 'end', subscription_cancel.why);
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

comment on function api.subscription_cancel(bigint, date, text) is
$$Cancels a recurring subscription: end_date (default today) becomes its last day covered. Periods are no longer billed after it; the
period it falls in is billed only up to it; a period already invoiced is credited back for the days after it (the exact part of the
period's amount those days cost, by days) to the member's credit, which then settles open invoices. The memberships the subscription
gave end after end_date. Returns the subscription. A subscription is cancelled once. A member cancels from today on; staff may choose
an earlier end_date with a reason (why), kept in the audit log with the change.
Errors: DU014 subscription_id is null, or staff gave an end_date before today without why, DUB02 unknown subscription, DUB15 already
cancelled, or end_date before its start or after the end of its term, DUB19 a member's end_date before today, 42501 not allowed (it needs
the right to pay for the member, or the manager role on its service order).$$;

-- Moves a recurring subscription to another recurring class from a day on, prorating the period it happens in.
create or replace function api.subscription_change_class(subscription_id bigint, class_id bigint, on_date date, why text default null)
returns dues.recurring_subscription
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_old    dues.recurring_subscription := dues.recurring_subscription_lock(subscription_change_class.subscription_id, 'pay');
    v_class  dues.class;
    v_terms  dues.recurring_terms;
    v_new_t  dues.recurring_terms;
    v_anchor date;
    v_params jsonb;
    v_order  dues.subscription_order;
    v_cs     dues.class_subscription;
    v_new    dues.recurring_subscription;
begin
    perform dues.require_argument('class_id', subscription_change_class.class_id is null);
    perform dues.require_argument('on_date', subscription_change_class.on_date is null);
    perform dues.subscription_day_check(subscription_change_class.on_date, 'change class', subscription_change_class.why);
    v_class := dues.class_get(subscription_change_class.class_id);
    v_new_t := dues.recurring_terms(v_class.id);
    v_terms := dues.recurring_terms(v_old.class_id);
    if v_old.ended_at is not null then
        raise exception 'subscription % was cancelled: its last day is %', v_old.class_subscription_id, v_old.end_date
            using errcode = 'DUB15';
    end if;
    if subscription_change_class.on_date <= v_old.start_date or subscription_change_class.on_date > v_old.end_date then
        raise exception 'subscription % runs from % to %: it cannot change class on %', v_old.class_subscription_id,
                        v_old.start_date, coalesce(v_old.end_date::text, 'open end'), subscription_change_class.on_date
            using errcode = 'DUB15',
                  hint = 'a change takes effect after the first day; to change on the first day, cancel and start anew';
    end if;

    perform dues.recurring_subscription_end(v_old, subscription_change_class.on_date - 1, dues.local_date(pg_catalog.now()));

    -- the new subscription's periods line up with the old one's: its first piece runs to the end of the old period
    v_anchor := dues.period_start(v_old.anchor_date, v_terms.period, v_terms.period_count,
                                  dues.period_index(v_old.anchor_date, v_terms.period, v_terms.period_count,
                                                    subscription_change_class.on_date) + 1);
    if dues.period_start(v_anchor, v_new_t.period, v_new_t.period_count, -1) > subscription_change_class.on_date
       or subscription_change_class.on_date = dues.period_start(v_anchor, v_terms.period, v_terms.period_count, -1) then
        -- on the first day of an old period, or when the rest of the old period is longer than a new one
        v_anchor := subscription_change_class.on_date;
    end if;

    v_params := pg_catalog.jsonb_build_object('start_date', subscription_change_class.on_date);
    if v_old.service_order_id is not null then
        v_params := v_params || pg_catalog.jsonb_build_object('service_order_id', v_old.service_order_id);
    end if;
    -- as api.subscription_start, on the day of the change (staff's may be in the past: checked above)
    v_order := dues.subscription_open(v_old.member_id, v_class.id, v_params,
                                      least(current_date, subscription_change_class.on_date));
    perform api.order_confirm(v_order.id);
    v_cs := api.class_subscription_confirm(v_order.id);
    update dues.recurring_subscription r
       set anchor_date = v_anchor
     where r.class_subscription_id = v_cs.id
    returning r.* into v_new;
    update dues.recurring_subscription r
       set replaced_by = v_new.class_subscription_id
     where r.class_subscription_id = v_old.class_subscription_id;
    return v_new;
end
$$;

comment on function api.subscription_change_class(bigint, bigint, date, text) is
$$Changes a recurring subscription to another recurring class from on_date: the old subscription ends on the day before (its invoiced
days from on_date on are credited back, by days, exactly), and a new subscription to the class starts on on_date in the same service
order. The new one's first piece runs to the end of the old period and is charged for those days only (prorated by days from the new
class's amount); its later periods line up with the old ones. When the rest of the old period is longer than a period of the new class,
the new periods simply start on on_date. The new class's setup fee, if any, is charged. Returns the new subscription; the old one's
replaced_by names it. A member changes from today on; staff may choose an earlier on_date with a reason (why), kept in the audit log.
Errors: DU014 an argument is null, or staff gave an on_date before today without why, DUB02 unknown subscription, DU002 unknown class,
DUB16 a class that is not recurring, DUB15 the subscription was cancelled, or on_date is not after its first day or is after its last,
DUB19 a member's on_date before today, 42501 not allowed.$$;

grant execute on function
    api.subscription_cancel(bigint, date, text),
    api.subscription_change_class(bigint, bigint, date, text)
to dues_member, dues_staff;

-- every end date set on a subscription (a cancellation, a class change) is in the audit log, with the reason given
create or replace trigger recurring_subscription_audit after update of end_date on dues.recurring_subscription
    for each row when (old.end_date is distinct from new.end_date)
    execute function dues.audit_row();
