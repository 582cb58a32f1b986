-- Suspension: ends, from the day on, the member's group memberships its subscriptions gave (directly, or by an earlier
-- reinstatement), recording each under the standing change; one that begins later (after a pause, or with a subscription
-- not begun yet) is left covering no day. Returns how many.
create or replace function dues.standing_suspend_groups(p_member_id bigint, p_change_id bigint, p_today date)
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
          left join dues.standing_group_membership sm on sm.group_membership_id = gm.id and sm.action = 'restored'
         where gm.member_id = p_member_id
           and (gm.class_subscription_id is not null or sm.id is not null)
           -- the days from the day on, or none yet: the empty membership a pause that runs to its subscription's end holds
           -- for the days a resumption gives back (so that the reinstatement, not the resumption, gives them)
           and (gm.during && pg_catalog.daterange(p_today, null)
                or (pg_catalog.isempty(gm.during)
                    and exists (select from dues.recurring_subscription_pause p
                                 where p.group_membership_id = gm.id and pg_catalog.upper(p.paused) > p_today)))
         order by gm.id
           for update of gm
    loop
        insert into dues.standing_group_membership (standing_change_id, group_membership_id, action, during_before, class_subscription_id)
        values (p_change_id, v_membership.id, 'ended', v_membership.during, v_membership.class_subscription_id);
        -- a membership that began this very day keeps that one day; one that begins later keeps none (it stays as history,
        -- and names its subscription, as an empty membership must)
        update dues.group_membership gm
           set during = case when pg_catalog.isempty(gm.during) or pg_catalog.lower(gm.during) > p_today then 'empty'::daterange
                             else pg_catalog.daterange(pg_catalog.lower(gm.during), greatest(p_today, pg_catalog.lower(gm.during) + 1)) end,
               class_subscription_id = v_membership.class_subscription_id
         where gm.id = v_membership.id;
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;
