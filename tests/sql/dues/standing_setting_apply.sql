-- Tests of dues.standing_setting_apply: the settings standing_at_risk_days and standing_suspend_days set billing's rules.

create or replace function tests.test_standing_setting_apply__a_setting_moves_its_rule()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_due    date := tests.fx_day(1, 1);
    v_shared bigint;
begin
    perform tests.fx_subscribe(v_member, v_class, v_due);
    perform tests.fx_collect(tests.fx_day(12, 20, -1));
    perform api.setting_set('standing_at_risk_days', '30', 'earlier reminders');
    return next is((select start_offset from dues.membership_status_rule where active and status is null and standing = 'at_risk'),
                   interval '31 days', 'standing_at_risk_days 30: the at-risk rule starts 31 days after the oldest unpaid due date');
    return next is((dues.member_standing_rule(v_member, v_due + 30), dues.member_standing_rule(v_member, v_due + 31)),
                   ('good'::text, 'at_risk'::text), 'so a member is at risk when more than 30 days late');
    perform api.setting_set('standing_suspend_days', '45', 'stricter');
    return next is((dues.member_standing_rule(v_member, v_due + 45), dues.member_standing_rule(v_member, v_due + 46)),
                   ('at_risk'::text, 'suspended'::text), 'standing_suspend_days 45: suspended when more than 45 days late');
    -- a rule that gives a status as well is the DBA's: the settings leave it alone
    insert into dues.membership_status_rule (status, standing, start_event, start_offset, weight, is_membership)
    values ('late', 'at_risk', 'oldest_unpaid_due_date', '10 days', 905, true)
    returning id into v_shared;
    perform api.setting_set('standing_at_risk_days', '20', 'again');
    return next is((select start_offset from dues.membership_status_rule where id = v_shared), interval '10 days',
                   'a rule that also gives a membership status keeps its offset');
    return next is((select count(*)::int from dues.membership_status_rule where status is null and standing = 'at_risk'
                       and start_offset = '21 days'), 1, 'the standing-only rule follows the setting');
end
$$;
