-- Resumes a paused recurring subscription on a day: the pause ends the day before (or is removed when it had not begun),
-- the days it gives back are billed again, and the member is back in the class's students group from that day (unless
-- suspended by billing's standing: then from its reinstatement).
create or replace function api.recurring_subscription_resume(class_subscription_id bigint, on_date date default null,
                                                              why text default null)
returns dues.recurring_subscription_pause
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_sub      dues.recurring_subscription :=
                   dues.recurring_subscription_lock(recurring_subscription_resume.class_subscription_id, 'pay');
    v_today    date := dues.local_date(pg_catalog.now());
    v_on       date := coalesce(recurring_subscription_resume.on_date, v_today);
    v_terms    dues.recurring_terms := dues.recurring_terms(v_sub.class_id);
    v_pause    dues.recurring_subscription_pause;
    v_back     daterange;
    v_amount   numeric;
    v_group    bigint := (select c.students_group_id from dues.class c where c.id = v_sub.class_id);
    v_days     daterange;
    v_gm       bigint;
    v_held     numeric;
begin
    perform dues.recurring_subscription_day_check(v_on, 'resume', recurring_subscription_resume.why);
    if v_sub.ended_at is not null then
        raise exception 'subscription % was cancelled: its last day is %', v_sub.class_subscription_id, v_sub.end_date
            using errcode = 'DU712';
    end if;
    -- the pause it is in on that day, or else the next one
    select p.* into v_pause from dues.recurring_subscription_pause p
     where p.class_subscription_id = v_sub.class_subscription_id
       and not pg_catalog.isempty(p.paused) and pg_catalog.upper(p.paused) > v_on
     order by p.from_date limit 1
       for update;
    if not found then
        raise exception 'subscription % has no pause on or after %', v_sub.class_subscription_id, v_on
            using errcode = 'DU714';
    end if;
    v_back := pg_catalog.daterange(greatest(v_on, pg_catalog.lower(v_pause.paused)), pg_catalog.upper(v_pause.paused));
    select coalesce(pg_catalog.sum(dues.pause_credit_held(pc.id)), 0) into v_held
      from dues.pause_credit pc where pc.recurring_subscription_pause_id = v_pause.id;
    update dues.recurring_subscription_pause p
       set resumed_on = v_on, resumed_at = pg_catalog.now(), resumed_by = dues.actor()
     where p.id = v_pause.id
    returning * into v_pause;

    -- days given back that invoices cover are charged again: those the pause credited, exactly what of its credit stops
    -- holding (so a discounted period is charged back at its discounted price, never more than was given back); those left
    -- out of their lines (billed after the pause was made), what they cost after the line's discount. A line of a void or
    -- written-off invoice gave nothing back and takes nothing. The collector bills the other days as it reaches them.
    v_amount := v_held - coalesce((select pg_catalog.sum(dues.pause_credit_held(pc.id)) from dues.pause_credit pc
                                    where pc.recurring_subscription_pause_id = v_pause.id), 0);
    select v_amount + coalesce(pg_catalog.sum(dues.discount_net(l.id,
                                   dues.period_piece(l.period_amount, v_terms.currency, l.period_of,
                                                     dues.period_start(l.period_of, v_terms.period, v_terms.period_count, 1) - 1,
                                                     pg_catalog.lower(d.days), pg_catalog.upper(d.days) - 1))), 0)
      into v_amount
      from dues.invoice_line l
      join dues.invoice i on i.id = l.invoice_id
     cross join lateral (select pg_catalog.daterange(l.period_start, l.period_end, '[]') * v_back) d(days)
     where l.class_subscription_id = v_sub.class_subscription_id and l.kind = 'period' and not l.void
       and i.status not in ('void', 'uncollectible')
       and not pg_catalog.isempty(d.days)
       and not exists (select from dues.pause_credit pc
                        where pc.recurring_subscription_pause_id = v_pause.id and pc.invoice_line_id = l.id);
    if v_amount > 0 then
        insert into dues.charge (member_id, class_id, class_subscription_id, kind, description, amount, currency, due_date)
        values (v_sub.member_id, v_sub.class_id, v_sub.class_subscription_id, 'charge',
                pg_catalog.format('%s, %s to %s: resumed from a pause', (dues.class_get(v_sub.class_id)).title,
                                  pg_catalog.lower(v_back), pg_catalog.upper(v_back) - 1),
                v_amount, v_terms.currency, pg_catalog.lower(v_back))
        returning id into v_pause.charge_id;
        update dues.recurring_subscription_pause p set charge_id = v_pause.charge_id where p.id = v_pause.id;
    end if;

    -- the member is back in the class's students group over the days given back, but for those it is suspended (a
    -- reinstatement gives them back): the stretch up to the pause's old end joins the membership that begins the day
    -- after it (the pause's own, one a reinstatement gave, or the pause's empty one when the pause ran to the end)
    for v_days in
        select d.days
          from pg_catalog.unnest(pg_catalog.datemultirange(v_back) - dues.member_suspended_days(v_sub.member_id)) d(days)
         order by pg_catalog.lower(d.days)
    loop
        v_gm := null;
        if pg_catalog.upper(v_days) = pg_catalog.upper(v_back) then
            select gm.id into v_gm
              from dues.group_membership gm
             where gm.member_id = v_sub.member_id and gm.group_id = v_group
               and (gm.class_subscription_id = v_sub.class_subscription_id
                    or gm.id in (select sm.group_membership_id from dues.standing_group_membership sm
                                  where sm.action = 'restored' and sm.class_subscription_id = v_sub.class_subscription_id))
               and (pg_catalog.lower(gm.during) = pg_catalog.upper(v_back)
                    or (gm.id = v_pause.group_membership_id and pg_catalog.isempty(gm.during)
                        and not exists (select from dues.standing_group_membership sm
                                         where sm.group_membership_id = gm.id and sm.action = 'ended')))
             order by pg_catalog.isempty(gm.during), gm.id
             limit 1
               for update of gm;
        end if;
        if v_gm is not null then
            update dues.group_membership gm
               set during = pg_catalog.daterange(pg_catalog.lower(v_days),
                                                 case when pg_catalog.isempty(gm.during) then pg_catalog.upper(v_days)
                                                      else pg_catalog.upper(gm.during) end)
             where gm.id = v_gm;
        else
            insert into dues.group_membership (group_id, member_id, during, class_subscription_id)
            values (v_group, v_sub.member_id, v_days, v_sub.class_subscription_id);
        end if;
    end loop;

    perform dues.audit_why(null);
    return v_pause;
end
$$;

comment on function api.recurring_subscription_resume(bigint, date, text) is
$$Resumes a paused recurring subscription (class_subscription_id) on on_date (default today), its first day back: the pause it is in that day, or else its next pause, ends the day before; a pause that had not begun by on_date is removed (it keeps no day). The days given back are billed again: those of periods already invoiced as one charge on the next invoice: what the pause credited for them (a discounted period at its discounted price), or, for days left out of a line billed after the pause, what they cost less the line's discount, the others as the collector reaches them. The member is back in the class's students group from on_date (or from the pause's first day when it is removed), but not over days it is suspended (billing's standing): a reinstatement gives it back from its day. Returns the pause (resumed_on, paused: the days it still holds, charge_id).
A member resumes from today on; staff may choose an earlier on_date with a reason (why), kept in the audit log.
Errors: DU014 class_subscription_id is null, or staff gave an on_date before today without why, DUB02 unknown subscription, DUB19 a member's on_date before today, DU712 the subscription is cancelled, DU714 no pause on or after on_date, 42501 not allowed (it needs the right to pay for the member, or the manager role on its service order).$$;

grant execute on function api.recurring_subscription_resume(bigint, date, text) to dues_member, dues_staff;
