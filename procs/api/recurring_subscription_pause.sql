-- Pauses a recurring subscription from a day to a day: those days are not billed (invoiced ones are credited back), and
-- the member leaves the class's students group for them.
create or replace function api.recurring_subscription_pause(class_subscription_id bigint, from_date date, until_date date,
                                                             why text default null)
returns dues.recurring_subscription_pause
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_sub      dues.recurring_subscription :=
                   dues.recurring_subscription_lock(recurring_subscription_pause.class_subscription_id, 'pay');
    v_from     date := recurring_subscription_pause.from_date;
    v_until    date := recurring_subscription_pause.until_date;
    v_today    date := dues.local_date(pg_catalog.now());
    v_max      int := (dues.class_params(v_sub.class_id) ->> 'max_pause_days')::int;
    v_currency char(3) := (dues.recurring_terms(v_sub.class_id)).currency;
    v_other    dues.recurring_subscription_pause;
    v_pause    dues.recurring_subscription_pause;
    v_line     record;
    v_credit   numeric;
    v_tx       bigint;
    v_gm       dues.group_membership;
    v_credited boolean := false;
    v_chain_from  date;
    v_chain_until date;
begin
    perform dues.require_argument('from_date', v_from is null);
    perform dues.require_argument('until_date', v_until is null);
    perform dues.recurring_subscription_day_check(v_from, 'be paused', recurring_subscription_pause.why);
    if v_sub.ended_at is not null or v_sub.end_date < v_today then
        raise exception 'subscription % ended on %: it cannot be paused', v_sub.class_subscription_id, v_sub.end_date
            using errcode = 'DU712';
    end if;
    if v_until < v_from or v_from < v_sub.start_date or v_until > v_sub.end_date then
        raise exception 'subscription % runs from % to %: it cannot be paused from % to %', v_sub.class_subscription_id,
                        v_sub.start_date, coalesce(v_sub.end_date::text, 'open end'), v_from, v_until
            using errcode = 'DU713',
                  hint = 'a pause lies within the subscription and ends on or after the day it begins';
    end if;
    if v_until - v_from + 1 > v_max then
        raise exception 'a pause of % days is longer than class % allows (max_pause_days %)', v_until - v_from + 1,
                        v_sub.class_id, v_max
            using errcode = 'DU710';
    end if;
    select p.* into v_other from dues.recurring_subscription_pause p
     where p.class_subscription_id = v_sub.class_subscription_id
       and p.paused && pg_catalog.daterange(v_from, v_until, '[]')
     order by p.from_date limit 1;
    if found then
        raise exception 'subscription % is paused from % to % already: a pause from % to % would overlap it',
                        v_sub.class_subscription_id, pg_catalog.lower(v_other.paused), pg_catalog.upper(v_other.paused) - 1,
                        v_from, v_until
            using errcode = 'DU711',
                  hint = 'resume that pause first, or choose other days';
    end if;
    -- pauses that touch it (no unpaused day between) are one pause for max_pause_days: back-to-back pauses are no way round it
    select pg_catalog.lower(r.days), pg_catalog.upper(r.days) - 1 into v_chain_from, v_chain_until
      from pg_catalog.unnest((select pg_catalog.range_agg(p.paused)
                                from (select p.paused from dues.recurring_subscription_pause p
                                       where p.class_subscription_id = v_sub.class_subscription_id
                                      union all
                                      select pg_catalog.daterange(v_from, v_until, '[]')) p)) r(days)
     where r.days @> v_from;
    if v_chain_until - v_chain_from + 1 > v_max then
        raise exception 'with the pauses it touches, subscription % would be paused % days on end, from % to %: longer than class % allows (max_pause_days %)',
                        v_sub.class_subscription_id, v_chain_until - v_chain_from + 1, v_chain_from, v_chain_until,
                        v_sub.class_id, v_max
            using errcode = 'DU710',
                  hint = 'leave at least one day between two pauses';
    end if;
    insert into dues.recurring_subscription_pause (class_subscription_id, member_id, from_date, until_date, why)
    values (v_sub.class_subscription_id, v_sub.member_id, v_from, v_until,
            nullif(pg_catalog.btrim(recurring_subscription_pause.why), ''))
    returning * into v_pause;

    -- invoiced days of the pause go back to the member's credit: exactly what they cost (as a cancellation credits)
    for v_line in
        select l.*, i.member_id, pg_catalog.daterange(l.period_start, l.period_end, '[]') * v_pause.paused as days
          from dues.invoice_line l
          join dues.invoice i on i.id = l.invoice_id
         where l.class_subscription_id = v_sub.class_subscription_id and l.kind = 'period' and not l.void
           and i.status not in ('void', 'uncollectible')  -- a written-off line was never paid: nothing to give back
           and pg_catalog.daterange(l.period_start, l.period_end, '[]') && v_pause.paused
         order by l.period_start
    loop
        v_credit := dues.period_piece(v_line.period_amount, v_currency, v_line.period_of,
                                      dues.period_start(v_line.period_of, (dues.recurring_terms(v_sub.class_id)).period,
                                                        (dues.recurring_terms(v_sub.class_id)).period_count, 1) - 1,
                                      pg_catalog.lower(v_line.days), pg_catalog.upper(v_line.days) - 1);
        -- less the share of it a discount took off the line: what the member really paid for those days, never more
        -- than the line still holds after its other credits
        v_credit := dues.discount_credit(v_line.id, v_credit);
        continue when v_credit <= 0;
        v_tx := dues.ledger_transfer(dues.class_account(v_line.class_id), dues.member_account(v_line.member_id, v_currency),
                                     v_credit, 'pause_credit',
                                     pg_catalog.format('subscription %s paused: %s to %s credited', v_sub.class_subscription_id,
                                                       pg_catalog.lower(v_line.days), pg_catalog.upper(v_line.days) - 1));
        perform dues.ledger_book(v_tx, v_today, v_line.member_id, v_line.invoice_id);
        insert into dues.pause_credit (recurring_subscription_pause_id, invoice_line_id, member_id, amount, paused_from,
                                       paused_until, credited_on, ledger_transaction_id)
        values (v_pause.id, v_line.id, v_line.member_id, v_credit, pg_catalog.lower(v_line.days),
                pg_catalog.upper(v_line.days) - 1, v_today, v_tx);
        v_credited := true;
    end loop;

    -- the students group membership it gave (directly or by a reinstatement) over the paused days stops at the pause; one
    -- begins after it. A member suspended holds none (the reinstatement gives back the days not paused).
    select gm.* into v_gm
      from dues.group_membership gm
     where gm.member_id = v_sub.member_id and gm.during && pg_catalog.daterange(v_from, v_until, '[]')
       and (gm.class_subscription_id = v_sub.class_subscription_id
            or gm.id in (select sm.group_membership_id from dues.standing_group_membership sm
                          where sm.action = 'restored' and sm.class_subscription_id = v_sub.class_subscription_id))
     order by pg_catalog.lower(gm.during)
     limit 1
       for update of gm;
    if found then
        update dues.group_membership gm
           set during = case when pg_catalog.lower(gm.during) >= v_from then 'empty'::daterange
                             else pg_catalog.daterange(pg_catalog.lower(gm.during), v_from) end,
               class_subscription_id = v_sub.class_subscription_id
         where gm.id = v_gm.id;
        insert into dues.group_membership (group_id, member_id, during, class_subscription_id)
        values (v_gm.group_id, v_sub.member_id,
                case when pg_catalog.upper_inf(v_gm.during) or pg_catalog.upper(v_gm.during) > v_until + 1
                     then pg_catalog.daterange(v_until + 1, pg_catalog.upper(v_gm.during)) else 'empty'::daterange end,
                v_sub.class_subscription_id)
        returning id into v_pause.group_membership_id;
        update dues.recurring_subscription_pause p set group_membership_id = v_pause.group_membership_id
         where p.id = v_pause.id;
    end if;

    if v_credited then
        perform dues.member_settle(v_sub.member_id, v_currency, v_today);
    end if;
    perform dues.audit_why(null);
    return v_pause;
end
$$;

comment on function api.recurring_subscription_pause(bigint, date, date, text) is
$$Pauses a recurring subscription (class_subscription_id, as recurring_subscription_start and recurring_subscription_list answer it) from from_date to until_date, both included. The paused days are not billed: the period they fall in is billed for its other days only (the exact part of the period's amount those cost, by days, as a cancellation prorates), and days already invoiced go back to the member's credit (which then settles open invoices): what they cost less the share of the line's discount, never more than the line still holds, and nothing of a void or written-off invoice. The periods keep their days: the subscription does not end later. The member leaves the class's students group for the pause and is back the day after until_date, unless suspended (billing's standing) then: a suspension takes the group away after the pause too, and a reinstatement gives it back but for the paused days. recurring_subscription_resume ends a pause early or removes it. Returns the pause (id, paused: the days it holds).
A member pauses from today on; staff may choose an earlier from_date with a reason (why), kept in the audit log.
Errors: DU014 a null argument, or staff gave a from_date before today without why, DUB02 unknown subscription, DUB19 a member's from_date before today, DU712 the subscription is cancelled or has ended, DU713 until_date before from_date, or days outside the subscription, DU710 longer than the class's parameter max_pause_days (with the pauses it touches, no day not paused between them, counted as one), DU711 it overlaps another pause of the subscription, 42501 not allowed (it needs the right to pay for the member, or the manager role on its service order).$$;

grant execute on function api.recurring_subscription_pause(bigint, date, date, text) to dues_member, dues_staff;
