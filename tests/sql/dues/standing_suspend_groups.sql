-- Tests of dues.standing_suspend_groups: a suspension takes away the group memberships the member's subscriptions gave,
-- those that begin after the day too (after a pause, or with a subscription not begun yet).

create or replace function tests.test_standing_suspend_groups__ends_the_membership_after_a_pause_too()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Sue Suspended');
    v_sub    bigint;
    v_pause  dues.recurring_subscription_pause;
    v_change bigint;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    v_pause := api.recurring_subscription_pause(v_sub, tests.fx_day(5, 11), tests.fx_day(5, 20));
    v_change := tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 20));
    return next is(dues.standing_suspend_groups(v_member, v_change, tests.fx_day(4, 20)), 2,
                   'both memberships are ended: the one before the pause and the one after it');
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(6, 30)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 20))),
                   'a student up to the day before the suspension, and not after the pause');
    return next is((select (isempty(gm.during), sm.during_before, sm.class_subscription_id)
                      from dues.group_membership gm
                      join dues.standing_group_membership sm on sm.group_membership_id = gm.id and sm.action = 'ended'
                     where gm.id = v_pause.group_membership_id),
                   (true, daterange(tests.fx_day(5, 21), null), v_sub),
                   'the membership after the pause covers no day now, and its days are recorded under the suspension');
end
$$;

create or replace function tests.test_standing_suspend_groups__a_subscription_not_begun_is_ended_too()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_other  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Sid Soon');
    v_change bigint;
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(6, 1));
    perform api.recurring_subscription_cancel(tests.fx_subscribe(v_member, v_other, tests.fx_day(2, 1)), tests.fx_day(2, 28));
    v_change := tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 20));
    return next is(dues.standing_suspend_groups(v_member, v_change, tests.fx_day(4, 20)), 1,
                   'the subscription that begins in June loses its membership; the one that ended in February is left alone');
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(7, 31)), '{}'::datemultirange,
                   'no day of June or July in the students group while suspended');
    return next is(tests.fx_student_days(v_member, v_other, tests.fx_day(2, 1), tests.fx_day(3, 31)),
                   datemultirange(daterange(tests.fx_day(2, 1), tests.fx_day(3, 1))), 'February stays as it was');
end
$$;
