-- Cancels a class subscription of the order flow after a last day (default today); with refund, the unused part of what
-- was paid goes back from the class's revenue to the member's credit.
create or replace function api.class_subscription_cancel(class_subscription_id bigint, end_date date default null,
                                                          refund boolean default false, why text default null)
returns dues.class_subscription_cancellation
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_today        date := dues.local_date(pg_catalog.now());
    v_end          date := coalesce(class_subscription_cancel.end_date, dues.local_date(pg_catalog.now()));
    v_sub          dues.class_subscription;
    v_class        dues.class;
    v_cancellation dues.class_subscription_cancellation;
    v_refund       numeric := 0;
    v_tx           bigint;
begin
    perform dues.require_argument('class_subscription_id', class_subscription_cancel.class_subscription_id is null);
    perform dues.require_argument('refund', class_subscription_cancel.refund is null);
    select s.* into v_sub from dues.class_subscription s where s.id = class_subscription_cancel.class_subscription_id;
    if not coalesce(dues.caller_may_act(v_sub.member_id, 'pay'), false) then
        perform dues.refuse_record('class subscription', class_subscription_cancel.class_subscription_id, 'pay');
    end if;
    if v_sub.id is null then
        raise exception 'class subscription % not found', class_subscription_cancel.class_subscription_id
            using errcode = 'DU700';
    end if;
    if class_subscription_cancel.refund then
        -- money leaves a class's revenue only when staff say so
        perform dues.authorize_staff();
    end if;
    perform dues.member_lock(v_sub.member_id);
    select c.* into strict v_class from dues.class c where c.id = v_sub.class_id;
    if dues.class_seats(v_class.id) is not null then
        -- the seat it frees is offered below: the seats lock is taken before any ledger account's
        perform dues.class_seats_lock(v_class.id);
    end if;
    if v_class.rule = 'recurring' then
        raise exception 'class subscription % is recurring: recurring_subscription_cancel ends it', v_sub.id
            using errcode = 'DU702',
                  hint = 'its invoiced days are credited back by recurring_subscription_cancel';
    end if;
    select k.* into v_cancellation from dues.class_subscription_cancellation k where k.class_subscription_id = v_sub.id;
    if found then
        raise exception 'class subscription % was cancelled on % (its last day: %)', v_sub.id, v_cancellation.cancelled_on,
                        v_cancellation.end_date
            using errcode = 'DU701';
    end if;
    perform dues.recurring_subscription_day_check(v_end, 'end', class_subscription_cancel.why);
    if v_end > v_sub.end_date then
        raise exception 'class subscription % ends on %: it cannot be cancelled after %', v_sub.id, v_sub.end_date, v_end
            using errcode = 'DU703',
                  hint = 'give its last day or an earlier one';
    end if;

    if class_subscription_cancel.refund then
        v_refund := dues.class_subscription_unused(v_sub, v_end);
    end if;
    if v_refund > 0 then
        v_tx := dues.ledger_transfer(dues.class_account(v_class.id), dues.member_account(v_sub.member_id, v_class.currency),
                                     v_refund, 'class_subscription_refund',
                                     pg_catalog.format('class subscription %s cancelled after %s: %s refunded to member %s',
                                                       v_sub.id, v_end, v_refund, v_sub.member_id));
        perform dues.ledger_book(v_tx, v_today, v_sub.member_id);
    end if;
    insert into dues.class_subscription_cancellation as k
           (class_subscription_id, member_id, class_id, end_date, refund, ledger_transaction_id, cancelled_on, why)
    values (v_sub.id, v_sub.member_id, v_class.id, v_end, v_refund, v_tx, v_today,
            nullif(pg_catalog.btrim(class_subscription_cancel.why), ''))
    returning k.* into v_cancellation;

    -- its days end with the last day (none when it had not begun): the same days may be bought again
    update dues.class_subscription s
       set during = case when v_end < s.start_date then 'empty'::daterange
                         else s.during * pg_catalog.daterange(s.start_date, v_end, '[]') end
     where s.id = v_sub.id;
    -- the students group membership it gave ends after the last day (empty when it had not begun)
    update dues.group_membership gm
       set during = case when v_end < pg_catalog.lower(gm.during) then 'empty'::daterange
                         else pg_catalog.daterange(pg_catalog.lower(gm.during), v_end + 1) end
     where gm.class_subscription_id = v_sub.id
       and not pg_catalog.isempty(gm.during)
       and (pg_catalog.upper_inf(gm.during) or pg_catalog.upper(gm.during) > v_end + 1);

    if dues.class_seats(v_class.id) is not null then
        -- a seat free from today on goes to the class's waiting list (one freed later, by the job class_waitlist)
        perform dues.class_waitlist_offer(v_class.id, pg_catalog.now());
    end if;
    if v_refund > 0 then
        -- debts first: the credit pays the member's open invoices, as every credit does
        perform dues.member_settle(v_sub.member_id, v_class.currency, v_today);
    end if;
    perform dues.audit_why(null);
    return v_cancellation;
end
$$;

comment on function api.class_subscription_cancel(bigint, date, boolean, text) is
$$Cancels a class subscription made by the order flow (class_subscription_request, order_confirm, class_subscription_confirm; every
rule but recurring): end_date (default today) becomes its last day covered, and the member leaves the class's students group after it
(an end_date before its start_date cancels it before it begins: the member never joins). With refund (staff only), the unused part of
what was paid goes back from the class's revenue to the member's credit in one ledger transaction (kind class_subscription_refund):
all of it before the start; for a pack of sessions (rule per_session) the sessions not used; for a subscription with a last day the days
after end_date, prorated by days; nothing for an open-ended subscription that has begun. The credit settles the member's open invoices
first, as every credit does; payment_refund then pays what is left back through the payment's method. A subscription is cancelled once.
A member (or a manager of an organization) cancels its own from today on, without refund; staff may choose an earlier end_date with a
reason (why). Returns the cancellation (class_subscription_id, member_id, class_id, end_date, refund, ledger_transaction_id,
cancelled_on, cancelled_at, cancelled_by, why). The seat it frees (of a class with seats) is offered to the first member of the class's
waiting list, from the day after end_date.
Errors: DU014 class_subscription_id or refund is null, or staff gave an end_date before today without why, DU700 unknown subscription,
DU701 cancelled already, DU702 a recurring subscription (recurring_subscription_cancel ends it), DU703 end_date after its last day,
DUB19 a member's end_date before today, DU016 why too long, 42501 not allowed (another member's subscription, or a refund asked by a
member).$$;

grant execute on function api.class_subscription_cancel(bigint, date, boolean, text) to dues_member, dues_staff;
