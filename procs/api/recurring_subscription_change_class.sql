-- Moves a recurring subscription to another recurring class from a day on, prorating the period it happens in.
create or replace function api.recurring_subscription_change_class(class_subscription_id bigint, class_id bigint, on_date date,
                                                                   why text default null)
returns dues.recurring_subscription
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_old    dues.recurring_subscription :=
                 dues.recurring_subscription_lock(recurring_subscription_change_class.class_subscription_id, 'pay');
    v_class  dues.class;
    v_terms  dues.recurring_terms;
    v_new_t  dues.recurring_terms;
    v_anchor date;
    v_params jsonb;
    v_order  dues.subscription_order;
    v_cs     dues.class_subscription;
    v_new    dues.recurring_subscription;
begin
    perform dues.require_argument('class_id', recurring_subscription_change_class.class_id is null);
    perform dues.require_argument('on_date', recurring_subscription_change_class.on_date is null);
    perform dues.recurring_subscription_day_check(recurring_subscription_change_class.on_date, 'change class',
                                                  recurring_subscription_change_class.why);
    v_class := dues.class_get(recurring_subscription_change_class.class_id);
    v_new_t := dues.recurring_terms(v_class.id);
    v_terms := dues.recurring_terms(v_old.class_id);
    if v_old.ended_at is not null then
        raise exception 'subscription % was cancelled: its last day is %', v_old.class_subscription_id, v_old.end_date
            using errcode = 'DUB15';
    end if;
    if recurring_subscription_change_class.on_date <= v_old.start_date
       or recurring_subscription_change_class.on_date > v_old.end_date then
        raise exception 'subscription % runs from % to %: it cannot change class on %', v_old.class_subscription_id,
                        v_old.start_date, coalesce(v_old.end_date::text, 'open end'), recurring_subscription_change_class.on_date
            using errcode = 'DUB15',
                  hint = 'a change takes effect after the first day; to change on the first day, cancel and start anew';
    end if;

    perform dues.recurring_subscription_end(v_old, recurring_subscription_change_class.on_date - 1,
                                            dues.local_date(pg_catalog.now()));

    -- the new subscription's periods line up with the old one's: its first piece runs to the end of the old period
    v_anchor := dues.period_start(v_old.anchor_date, v_terms.period, v_terms.period_count,
                                  dues.period_index(v_old.anchor_date, v_terms.period, v_terms.period_count,
                                                    recurring_subscription_change_class.on_date) + 1);
    if dues.period_start(v_anchor, v_new_t.period, v_new_t.period_count, -1) > recurring_subscription_change_class.on_date
       or recurring_subscription_change_class.on_date = dues.period_start(v_anchor, v_terms.period, v_terms.period_count, -1) then
        -- on the first day of an old period, or when the rest of the old period is longer than a new one
        v_anchor := recurring_subscription_change_class.on_date;
    end if;

    v_params := pg_catalog.jsonb_build_object('start_date', recurring_subscription_change_class.on_date);
    if v_old.service_order_id is not null then
        v_params := v_params || pg_catalog.jsonb_build_object('service_order_id', v_old.service_order_id);
    end if;
    -- as api.recurring_subscription_start, on the day of the change (staff's may be in the past: checked above)
    v_order := dues.order_open(v_old.member_id, v_class.id, v_params,
                               least(dues.local_date(pg_catalog.now()), recurring_subscription_change_class.on_date));
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

comment on function api.recurring_subscription_change_class(bigint, bigint, date, text) is
$$Changes a recurring subscription (class_subscription_id) to another recurring class (class_id) from on_date: the old subscription ends on the day before (its invoiced
days from on_date on are credited back, by days, exactly), and a new subscription to the class starts on on_date in the same service
order. The new one's first piece runs to the end of the old period and is charged for those days only (prorated by days from the new
class's amount); its later periods line up with the old ones. When the rest of the old period is longer than a period of the new class,
the new periods simply start on on_date. The new class's setup fee, if any, is charged. Returns the new subscription; the old one's
replaced_by names it. A member changes from today on; staff may choose an earlier on_date with a reason (why), kept in the audit log.
Errors: DU014 an argument is null, or staff gave an on_date before today without why, DUB02 unknown subscription, DU002 unknown class,
DUB16 a class that is not recurring, DUB15 the subscription was cancelled, or on_date is not after its first day or is after its last,
DUB19 a member's on_date before today, 42501 not allowed.$$;

grant execute on function api.recurring_subscription_change_class(bigint, bigint, date, text) to dues_member, dues_staff;
