-- The collector, jobs.collect(now): bills every member's recurring subscriptions and charges that fall due within the
-- lead time, one invoice per member, provider and currency per run; settles them from credit; queues reminders; updates
-- standing. Safe twice for the same now and concurrently: each member is handled under its lock, and what was done is data
-- (a period is billed once: unique index; a reminder once: primary key; a standing change only when it changes).

-- Bills a member's recurring subscriptions: one line per period (or the piece of it the subscription covers) not billed yet
-- whose first day is on or before the horizon, at the member's dues for that period, into the run's draft invoices.
-- Advances billed_until (the auto-renewal horizon) over the periods billed or free.
create function dues.member_bill_periods(p_member_id bigint, p_horizon date, p_run_id bigint,
                                         out lines int, out renewals int, out ended int)
language plpgsql
set search_path = ''
as $$
declare
    v_sub   dues.recurring_subscription;
    v_terms dues.recurring_terms;
    v_title text;
    v_k     int;
    v_start date;
    v_end   date;
    v_from  date;
    v_to    date;
    v_amount numeric;
    v_piece numeric;
    v_until date;
begin
    lines := 0;
    renewals := 0;
    ended := 0;
    for v_sub in
        select r.*
          from dues.recurring_subscription r
         where r.member_id = p_member_id
           and (r.end_date is null or r.billed_until is null or r.billed_until < r.end_date)
         order by r.class_subscription_id
    loop
        v_terms := dues.recurring_terms(v_sub.class_id);
        select c.title into strict v_title from dues.class c where c.id = v_sub.class_id;
        v_until := v_sub.billed_until;
        v_k := dues.period_index(v_sub.anchor_date, v_terms.period, v_terms.period_count, coalesce(v_until + 1, v_sub.start_date));
        loop
            v_start := dues.period_start(v_sub.anchor_date, v_terms.period, v_terms.period_count, v_k);
            v_end := dues.period_start(v_sub.anchor_date, v_terms.period, v_terms.period_count, v_k + 1) - 1;
            v_from := greatest(v_start, v_sub.start_date);
            exit when v_from > v_sub.end_date or v_from > p_horizon;
            v_to := least(v_end, coalesce(v_sub.end_date, v_end));
            if not exists (select from dues.invoice_line l
                            where l.subscription_id = v_sub.class_subscription_id and l.period_of = v_start
                              and l.kind = 'period' and not l.void) then
                v_amount := dues.dues_amount(p_member_id, v_sub.class_id, v_start);
                v_piece := dues.period_piece(v_amount, v_terms.currency, v_start, v_end, v_from, v_to);
                if v_piece > 0 then
                    insert into dues.invoice_line (invoice_id, kind, class_id, subscription_id, description,
                                                   period_of, period_start, period_end, due_date, amount, period_amount)
                    values (dues.invoice_draft(p_member_id, dues.class_provider(v_sub.class_id), v_terms.currency, p_run_id),
                            'period', v_sub.class_id, v_sub.class_subscription_id,
                            pg_catalog.format('%s, %s to %s', v_title, v_from, v_to),
                            v_start, v_from, v_to, v_from, v_piece, v_amount);
                    lines := lines + 1;
                end if;
                if v_terms.renewal = 'auto_renew' and v_to > coalesce(v_sub.billed_until, v_sub.start_date - 1) then
                    renewals := renewals + 1;
                end if;
            end if;
            v_until := greatest(v_to, v_until);
            v_k := v_k + 1;
        end loop;
        if v_until is distinct from v_sub.billed_until then
            update dues.recurring_subscription r set billed_until = v_until where r.class_subscription_id = v_sub.class_subscription_id;
            if v_until >= v_sub.end_date then
                ended := ended + 1;
            end if;
        end if;
    end loop;
end
$$;

-- Bills a member's charges (setup fees, one-off charges) due on or before the horizon into the run's draft invoices; returns the lines.
create function dues.member_bill_charges(p_member_id bigint, p_horizon date, p_run_id bigint)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_charge dues.charge;
    v_lines  int := 0;
begin
    for v_charge in
        select c.*
          from dues.charge c
         where c.member_id = p_member_id and c.due_date <= p_horizon
           and not exists (select from dues.invoice_line l where l.charge_id = c.id and not l.void)
         order by c.due_date, c.id
    loop
        insert into dues.invoice_line (invoice_id, kind, class_id, subscription_id, charge_id, description, due_date, amount)
        values (dues.invoice_draft(p_member_id, dues.class_provider(v_charge.class_id), v_charge.currency, p_run_id),
                v_charge.kind, v_charge.class_id, v_charge.subscription_id, v_charge.id, v_charge.description,
                v_charge.due_date, v_charge.amount);
        v_lines := v_lines + 1;
    end loop;
    return v_lines;
end
$$;

-- Queues reminders of a member's open invoices: for each, the largest offset (setting reminder_days) its lateness has reached
-- and that was not sent yet; smaller offsets not sent yet are passed over (recorded without a message). Returns the reminders queued.
create function dues.member_remind(p_member_id bigint, p_today date, p_at timestamptz)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_days    int[] := dues.reminder_days();
    v_invoice dues.invoice;
    v_offset  int;
    v_outbox  bigint;
    v_count   int := 0;
begin
    for v_invoice in
        select i.* from dues.invoice i
         where i.member_id = p_member_id and i.status = 'open' and i.due_date < p_today
         order by i.due_date, i.id
    loop
        select pg_catalog.max(d.days) into v_offset
          from pg_catalog.unnest(v_days) as d(days)
         where d.days <= p_today - v_invoice.due_date
           and not exists (select from dues.invoice_reminder r where r.invoice_id = v_invoice.id and r.offset_days >= d.days);
        continue when v_offset is null;
        insert into dues.invoice_reminder (invoice_id, offset_days, reminded_on)
        select v_invoice.id, d.days, p_today
          from pg_catalog.unnest(v_days) as d(days)
         where d.days < v_offset
           and not exists (select from dues.invoice_reminder r where r.invoice_id = v_invoice.id and r.offset_days = d.days);
        v_outbox := dues.outbox_enqueue('email', 'invoice_reminder', dues.billing_recipient(p_member_id),
            pg_catalog.jsonb_build_object(
                'name', (select m.name from dues.member m where m.id = p_member_id),
                'member_id', p_member_id,
                'invoice_id', v_invoice.id,
                'number', v_invoice.number,
                'provider', (select m.name from dues.member m where m.id = v_invoice.provider_id),
                'due_date', v_invoice.due_date,
                'days_late', p_today - v_invoice.due_date,
                'offset_days', v_offset,
                'total', v_invoice.total,
                'amount_due', v_invoice.total - dues.invoice_settled(v_invoice.id),
                'currency', v_invoice.currency),
            p_at);
        insert into dues.invoice_reminder (invoice_id, offset_days, reminded_on, outbox_id)
        values (v_invoice.id, v_offset, p_today, v_outbox);
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;

-- Suspension: ends, from the day on, the member's group memberships its subscriptions gave (directly, or by an earlier
-- reinstatement), recording each under the standing change; returns how many.
create function dues.standing_suspend_groups(p_member_id bigint, p_change_id bigint, p_today date)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_membership record;
    v_count      int := 0;
begin
    for v_membership in
        select gm.id, gm.during, coalesce(gm.class_subscription_id, sm.class_subscription_id) as class_subscription_id
          from dues.group_membership gm
          left join dues.standing_membership sm on sm.group_membership_id = gm.id and sm.action = 'restored'
         where gm.member_id = p_member_id and gm.during @> p_today
           and (gm.class_subscription_id is not null or sm.id is not null)
         order by gm.id
           for update of gm
    loop
        insert into dues.standing_membership (standing_change_id, group_membership_id, action, during_before, class_subscription_id)
        values (p_change_id, v_membership.id, 'ended', v_membership.during, v_membership.class_subscription_id);
        -- a membership that began this very day keeps that one day (a range is never empty)
        update dues.group_membership gm
           set during = pg_catalog.daterange(pg_catalog.lower(gm.during), greatest(p_today, pg_catalog.lower(gm.during) + 1))
         where gm.id = v_membership.id;
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;

-- Reinstatement: gives back, from the day on, the memberships the member's last suspension ended, as far as their
-- subscriptions still run (a subscription cancelled meanwhile gives nothing back); returns how many.
create function dues.standing_restore_groups(p_member_id bigint, p_change_id bigint, p_today date)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_ended record;
    v_upper date;
    v_new   bigint;
    v_count int := 0;
begin
    for v_ended in
        select sm.during_before, sm.class_subscription_id, gm.group_id,
               (select r.end_date from dues.recurring_subscription r where r.class_subscription_id = sm.class_subscription_id) as recurring_end,
               exists (select from dues.recurring_subscription r where r.class_subscription_id = sm.class_subscription_id) as recurring,
               (select cs.end_date from dues.class_subscription cs where cs.id = sm.class_subscription_id) as subscription_end
          from dues.standing_membership sm
          join dues.group_membership gm on gm.id = sm.group_membership_id
         where sm.action = 'ended'
           and sm.standing_change_id = (select pg_catalog.max(sc.id) from dues.standing_change sc
                                         where sc.member_id = p_member_id and sc.to_standing = 'suspended')
         order by sm.id
    loop
        -- the first day no longer covered: by the subscription's end, and by the membership's own end
        v_upper := case when v_ended.recurring then v_ended.recurring_end + 1 else v_ended.subscription_end + 1 end;
        if not pg_catalog.upper_inf(v_ended.during_before) then
            v_upper := least(coalesce(v_upper, pg_catalog.upper(v_ended.during_before)), pg_catalog.upper(v_ended.during_before));
        end if;
        continue when v_upper <= p_today;
        continue when exists (select from dues.group_membership gm
                               where gm.member_id = p_member_id and gm.group_id = v_ended.group_id and gm.during @> p_today);
        insert into dues.group_membership (group_id, member_id, during)
        values (v_ended.group_id, p_member_id, pg_catalog.daterange(p_today, v_upper))
        returning id into v_new;
        insert into dues.standing_membership (standing_change_id, group_membership_id, action, during_before, class_subscription_id)
        values (p_change_id, v_new, 'restored', v_ended.during_before, v_ended.class_subscription_id);
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;

-- What a member owes now: open invoices' amounts due summed (in its most used currency) and the oldest unpaid due date.
create function dues.member_owed(p_member_id bigint, out amount_due numeric, out currency char(3), out oldest_due_date date)
language sql
stable
set search_path = ''
as $$
    select coalesce(pg_catalog.sum(i.total - dues.invoice_settled(i.id)), 0),
           pg_catalog.min(i.currency),
           pg_catalog.min(i.due_date)
      from dues.invoice i
     where i.member_id = p_member_id and i.status = 'open'
$$;

-- Updates a member's standing from how late its oldest open invoice is (a linked member takes its master's), recording a
-- change, queueing its message (not to linked members: their master is billed) and taking away or giving back groups.
-- Returns 1 when the standing changed, else 0.
create function dues.member_standing_update(p_member_id bigint, p_today date, p_at timestamptz, p_run_id bigint)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_master   bigint := dues.member_master(p_member_id);
    v_at_risk  int := dues.setting_int('standing_at_risk_days', 60);
    v_suspend  int := dues.setting_int('standing_suspend_days', 90);
    v_old      dues.member_standing;
    v_from     text;
    v_new      text;
    v_days     int;
    v_owed     record;
    v_member   dues.member;
    v_outbox   bigint;
    v_change   bigint;
begin
    select s.* into v_old from dues.member_standing s where s.member_id = p_member_id;
    v_from := coalesce(v_old.standing, 'good');
    if v_master is not null then
        select s.standing, s.days_late into v_new, v_days from dues.member_standing s where s.member_id = v_master;
        v_new := coalesce(v_new, 'good');
        v_days := coalesce(v_days, 0);
    else
        select greatest(p_today - pg_catalog.min(i.due_date), 0) into v_days
          from dues.invoice i
         where i.member_id = p_member_id and i.status = 'open' and i.due_date < p_today;
        v_days := coalesce(v_days, 0);
        v_new := case when v_days > v_suspend then 'suspended' when v_days > v_at_risk then 'at_risk' else 'good' end;
    end if;

    if v_new = v_from then
        if v_old.member_id is not null and v_old.days_late <> v_days then
            update dues.member_standing s set days_late = v_days, collect_run_id = p_run_id, updated_at = pg_catalog.now()
             where s.member_id = p_member_id;
        end if;
        return 0;
    end if;

    insert into dues.member_standing as s (member_id, standing, since, days_late, collect_run_id)
    values (p_member_id, v_new, p_today, v_days, p_run_id)
    on conflict (member_id) do update
        set standing = excluded.standing, since = excluded.since, days_late = excluded.days_late,
            collect_run_id = excluded.collect_run_id, updated_at = pg_catalog.now();

    if v_master is null then
        select m.* into strict v_member from dues.member m where m.id = p_member_id;
        v_owed := dues.member_owed(p_member_id);
        v_outbox := dues.outbox_enqueue('email',
            case v_new when 'at_risk' then 'standing_at_risk' when 'suspended' then 'standing_suspended' else 'standing_reinstated' end,
            dues.billing_recipient(p_member_id),
            pg_catalog.jsonb_build_object(
                'name', v_member.name,
                'member_id', v_member.id,
                'standing', v_new,
                'previous_standing', v_from,
                'days_late', v_days,
                'amount_due', v_owed.amount_due,
                'currency', v_owed.currency,
                'oldest_due_date', v_owed.oldest_due_date,
                'suspend_days', v_suspend),
            p_at);
    end if;
    insert into dues.standing_change (member_id, from_standing, to_standing, changed_on, days_late, collect_run_id, outbox_id)
    values (p_member_id, v_from, v_new, p_today, v_days, p_run_id, v_outbox)
    returning id into v_change;

    if v_new = 'suspended' then
        perform dues.standing_suspend_groups(p_member_id, v_change, p_today);
    elsif v_from = 'suspended' then
        perform dues.standing_restore_groups(p_member_id, v_change, p_today);
    end if;
    return 1;
end
$$;

-- Everything the collector does for one member, under the member's lock; returns the counts.
create function dues.member_collect(p_member_id bigint, p_today date, p_horizon date, p_at timestamptz, p_run_id bigint)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_periods     record;
    v_lines       int := 0;
    v_renewals    int := 0;
    v_ended       int := 0;
    v_invoices    bigint[] := array[]::bigint[];
    v_invoice     bigint;
    v_currency    char(3);
    v_settlements int := 0;
    v_reminders   int := 0;
begin
    perform dues.member_lock(p_member_id);
    if dues.member_master(p_member_id) is null then
        select * into v_periods from dues.member_bill_periods(p_member_id, p_horizon, p_run_id);
        v_lines := v_periods.lines + dues.member_bill_charges(p_member_id, p_horizon, p_run_id);
        v_renewals := v_periods.renewals;
        v_ended := v_periods.ended;

        for v_invoice in
            select i.id from dues.invoice i
             where i.member_id = p_member_id and i.status = 'draft' and i.collect_run_id = p_run_id
             order by i.provider_id, i.currency, i.id
        loop
            perform dues.invoice_issue(v_invoice, p_today);
            v_invoices := v_invoices || v_invoice;
        end loop;

        for v_currency in
            select distinct i.currency from dues.invoice i where i.member_id = p_member_id and i.status = 'open' order by 1
        loop
            v_settlements := v_settlements + dues.member_settle(p_member_id, v_currency, p_today);
        end loop;

        foreach v_invoice in array v_invoices loop
            perform dues.invoice_notify(v_invoice, p_at);
        end loop;

        v_reminders := dues.member_remind(p_member_id, p_today, p_at);
    end if;

    return pg_catalog.jsonb_build_object(
        'invoices', pg_catalog.cardinality(v_invoices),
        'lines', v_lines,
        'renewals', v_renewals,
        'ended', v_ended,
        'settlements', v_settlements,
        'reminders', v_reminders,
        'standing_changes', dues.member_standing_update(p_member_id, p_today, p_at, p_run_id));
end
$$;

-- The collector: runs dues.member_collect for every member with something to bill, collect, remind or watch (masters and
-- unlinked members first, then linked members, who follow their master's standing). A member that fails is rolled back
-- alone and recorded in dues.collect_error; the run goes on. The run is recorded in dues.collect_run.
create function jobs.collect(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_today   date := dues.local_date(p_now);
    v_horizon date := dues.local_date(p_now) + dues.setting_int('invoice_lead_days', 14);
    v_run     dues.collect_run;
    v_member  bigint;
    v_counts  jsonb;
    v_totals  jsonb := '{"members": 0, "invoices": 0, "lines": 0, "renewals": 0, "ended": 0, "settlements": 0,
                         "reminders": 0, "standing_changes": 0, "errors": 0}'::jsonb;
    v_key     text;
    v_state   text;
    v_message text;
begin
    perform dues.require_argument('now', p_now is null);
    insert into dues.collect_run (run_at, started_at)
    values (p_now, pg_catalog.clock_timestamp())
    returning * into v_run;

    for v_member in
        select x.member_id
          from (select r.member_id from dues.recurring_subscription r
                union select i.member_id from dues.invoice i where i.status in ('draft', 'open')
                union select c.member_id from dues.charge c
                union select s.member_id from dues.member_standing s
                union select l.member_id from dues.member_link l where l.unlinked_at is null) x
         order by (dues.member_master(x.member_id) is not null), x.member_id
    loop
        begin
            v_counts := dues.member_collect(v_member, v_today, v_horizon, p_now, v_run.id);
            foreach v_key in array array['invoices', 'lines', 'renewals', 'ended', 'settlements', 'reminders', 'standing_changes'] loop
                v_totals := v_totals || pg_catalog.jsonb_build_object(v_key, (v_totals ->> v_key)::int + (v_counts ->> v_key)::int);
            end loop;
            v_totals := v_totals || pg_catalog.jsonb_build_object('members', (v_totals ->> 'members')::int + 1);
        exception when others then
            get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
            insert into dues.collect_error (collect_run_id, member_id, sqlstate, message)
            values (v_run.id, v_member, v_state, v_message);
            v_totals := v_totals || pg_catalog.jsonb_build_object('errors', (v_totals ->> 'errors')::int + 1);
        end;
    end loop;

    update dues.collect_run r
       set finished_at = pg_catalog.clock_timestamp(),
           members = (v_totals ->> 'members')::int,
           invoices = (v_totals ->> 'invoices')::int,
           lines = (v_totals ->> 'lines')::int,
           renewals = (v_totals ->> 'renewals')::int,
           ended = (v_totals ->> 'ended')::int,
           settlements = (v_totals ->> 'settlements')::int,
           reminders = (v_totals ->> 'reminders')::int,
           standing_changes = (v_totals ->> 'standing_changes')::int,
           errors = (v_totals ->> 'errors')::int
     where r.id = v_run.id;
    return v_totals || pg_catalog.jsonb_build_object('run_id', v_run.id, 'now', p_now, 'day', v_today, 'horizon', v_horizon);
end
$$;

comment on function jobs.collect(timestamptz) is
    'The collector (dues jobs run collect): invoices recurring subscriptions and charges falling due within invoice_lead_days, '
    'settles invoices from credit, queues reminders at reminder_days after the due date, updates standing. Recorded in dues.collect_run.';
