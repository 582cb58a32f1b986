-- Reinstatement: gives back, from the day on, the group memberships the member's last suspension ended, as far as their
-- subscriptions still run (a subscription cancelled meanwhile gives nothing back) and but for the days a subscription is
-- paused: one group membership for each stretch of days between its pauses. Returns how many.
create or replace function dues.standing_restore_groups(p_member_id bigint, p_change_id bigint, p_today date)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_ended record;
    v_upper date;
    v_from  date;
    v_days  daterange;
    v_new   bigint;
    v_count int := 0;
begin
    -- what the suspension ended, by subscription and group: a subscription's memberships on both sides of a pause are one
    for v_ended in
        select sm.class_subscription_id, gm.group_id,
               pg_catalog.range_merge(pg_catalog.range_agg(sm.during_before)) as during_before,
               (select r.end_date from dues.recurring_subscription r where r.class_subscription_id = sm.class_subscription_id) as recurring_end,
               exists (select from dues.recurring_subscription r where r.class_subscription_id = sm.class_subscription_id) as recurring,
               (select cs.start_date from dues.class_subscription cs where cs.id = sm.class_subscription_id) as subscription_start,
               (select cs.end_date from dues.class_subscription cs where cs.id = sm.class_subscription_id) as subscription_end
          from dues.standing_group_membership sm
          join dues.group_membership gm on gm.id = sm.group_membership_id
         where sm.action = 'ended'
           and sm.standing_change_id = (select pg_catalog.max(sc.id) from dues.standing_change sc
                                         where sc.member_id = p_member_id and sc.to_standing = 'suspended')
         group by sm.class_subscription_id, gm.group_id
         order by pg_catalog.min(sm.id)
    loop
        -- the first day no longer covered: by the subscription's end (a recurring one's memberships end with it, a pause
        -- having cut them or not), and by the membership's own end
        v_upper := case when v_ended.recurring then v_ended.recurring_end + 1 else v_ended.subscription_end + 1 end;
        if not v_ended.recurring and not pg_catalog.upper_inf(v_ended.during_before) then
            v_upper := least(coalesce(v_upper, pg_catalog.upper(v_ended.during_before)), pg_catalog.upper(v_ended.during_before));
        end if;
        -- from the day, or from the subscription's first day when it begins later (a resumption while suspended may have
        -- given days back before the memberships ended)
        v_from := greatest(p_today, v_ended.subscription_start);
        continue when v_upper <= v_from;
        for v_days in
            select d.days
              from pg_catalog.unnest(pg_catalog.datemultirange(pg_catalog.daterange(v_from, v_upper))
                                     - coalesce((select pg_catalog.range_agg(p.paused) from dues.recurring_subscription_pause p
                                                  where p.class_subscription_id = v_ended.class_subscription_id),
                                                '{}'::datemultirange)) d(days)
             order by pg_catalog.lower(d.days)
        loop
            continue when exists (select from dues.group_membership gm
                                   where gm.member_id = p_member_id and gm.group_id = v_ended.group_id and gm.during && v_days);
            insert into dues.group_membership (group_id, member_id, during, class_subscription_id)
            values (v_ended.group_id, p_member_id, v_days, v_ended.class_subscription_id)
            returning id into v_new;
            insert into dues.standing_group_membership (standing_change_id, group_membership_id, action, during_before, class_subscription_id)
            values (p_change_id, v_new, 'restored', v_ended.during_before, v_ended.class_subscription_id);
            v_count := v_count + 1;
        end loop;
    end loop;
    return v_count;
end
$$;
