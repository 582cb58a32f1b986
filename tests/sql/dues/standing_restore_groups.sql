-- Tests of dues.standing_restore_groups: a reinstatement gives back the group memberships the suspension ended, from its
-- day, but for the days a subscription is paused.

create or replace function tests.test_standing_restore_groups__gives_back_on_both_sides_of_a_pause()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Reg Restored');
    v_sub    bigint;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(5, 11), tests.fx_day(5, 20));
    perform dues.standing_suspend_groups(v_member, tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 20)), tests.fx_day(4, 20));
    return next is(dues.standing_restore_groups(v_member, tests.fx_standing_change(v_member, 'at_risk', tests.fx_day(5, 1)), tests.fx_day(5, 1)),
                   2, 'two memberships are given back: up to the pause, and after it');
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(6, 30)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 20)), daterange(tests.fx_day(5, 1), tests.fx_day(5, 11)),
                                  daterange(tests.fx_day(5, 21), tests.fx_day(7, 1))),
                   'a student but while suspended (20 to 30 April) and while paused (11 to 20 May)');
    return next is((select array_agg(gm.class_subscription_id) from dues.standing_group_membership sm
                      join dues.group_membership gm on gm.id = sm.group_membership_id
                     where sm.action = 'restored' and sm.class_subscription_id = v_sub),
                   array[v_sub, v_sub], 'each membership given back names its subscription');
end
$$;

create or replace function tests.test_standing_restore_groups__during_a_pause_from_the_day_after_it()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Rita Returning');
    v_sub    bigint;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(5, 11), tests.fx_day(5, 20));
    perform dues.standing_suspend_groups(v_member, tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 20)), tests.fx_day(4, 20));
    return next is(dues.standing_restore_groups(v_member, tests.fx_standing_change(v_member, 'good', tests.fx_day(5, 15)), tests.fx_day(5, 15)),
                   1, 'reinstated while paused: one membership is given back');
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(6, 30)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 20)), daterange(tests.fx_day(5, 21), tests.fx_day(7, 1))),
                   'a student again only from the day after the pause');
end
$$;

create or replace function tests.test_standing_restore_groups__a_pause_made_while_suspended()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "fixed", "periods": 3}');
    v_member bigint := tests.fx_member('Pam Paused');
    v_sub    bigint;
    v_pause  dues.recurring_subscription_pause;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform dues.standing_suspend_groups(v_member, tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 20)), tests.fx_day(4, 20));
    v_pause := api.recurring_subscription_pause(v_sub, tests.fx_day(5, 11), tests.fx_day(5, 20));
    return next is(v_pause.group_membership_id, null::bigint, 'paused while suspended, the member is given no membership for after the pause');
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 20), tests.fx_day(7, 31)), '{}'::datemultirange,
                   'nor is it a student after the pause');
    perform dues.standing_restore_groups(v_member, tests.fx_standing_change(v_member, 'good', tests.fx_day(5, 1)), tests.fx_day(5, 1));
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(7, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 20)), daterange(tests.fx_day(5, 1), tests.fx_day(5, 11)),
                                  daterange(tests.fx_day(5, 21), tests.fx_day(7, 1))),
                   'reinstated, a student but over the pause, up to the last day of its three months');
end
$$;
