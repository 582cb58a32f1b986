-- Updates a member's standing from the standing rules (dues.member_standing_rule: by default more than standing_at_risk_days
-- or standing_suspend_days after the due date of its oldest open invoice; a linked member takes its master's), recording a
-- change, queueing its message (not to linked members: their master is billed) and taking away or giving back groups.
-- Returns 1 when the standing changed, else 0.
create or replace function dues.member_standing_update(p_member_id bigint, p_today date, p_at timestamptz, p_run_id bigint)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_master   bigint := dues.member_master(p_member_id);
    v_suspend  int;
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
        v_new := dues.member_standing_rule(p_member_id, p_today);
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
        -- for the message: the days late after which the rules suspend (setting standing_suspend_days when no rule does)
        v_suspend := coalesce((select pg_catalog.min(pg_catalog.floor(extract(epoch from r.start_offset) / 86400))::int - 1
                                 from dues.membership_status_rule r
                                where r.active and r.standing = 'suspended' and r.start_event = 'oldest_unpaid_due_date'),
                              dues.setting_int('standing_suspend_days', 90));
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
