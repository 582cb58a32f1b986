-- Reinstatement: gives back, from the day on, the group memberships the member's last suspension ended, as far as their
-- subscriptions still run (a subscription cancelled meanwhile gives nothing back); returns how many.
create or replace function dues.standing_restore_groups(p_member_id bigint, p_change_id bigint, p_today date)
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
          from dues.standing_group_membership sm
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
        insert into dues.standing_group_membership (standing_change_id, group_membership_id, action, during_before, class_subscription_id)
        values (p_change_id, v_new, 'restored', v_ended.during_before, v_ended.class_subscription_id);
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;
