-- Tests of dues.member_standing_update: the collector's standing from the rules, and its messages.

create or replace function tests.test_member_standing_update__messages_name_the_rules_threshold()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Tia Threshold');
    v_due    date := tests.fx_day(1, 1);
begin
    -- a DBA's rows: at risk more than 20 days late, suspended more than 45 (no setting names these)
    update dues.membership_status_rule set start_offset = '21 days' where active and status is null and standing = 'at_risk';
    update dues.membership_status_rule set start_offset = '46 days' where active and status is null and standing = 'suspended';
    perform tests.fx_subscribe(v_member, v_class, v_due);
    perform tests.fx_collect(tests.fx_day(12, 20, -1));
    perform tests.fx_collect(v_due + 20);
    return next is(tests.fx_standing(v_member), 'good', '20 days late: good');
    perform tests.fx_collect(v_due + 21);
    return next is(tests.fx_standing(v_member), 'at_risk', '21 days late: at risk, from the rule');
    return next is((select data ->> 'suspend_days' from tests.fx_outbox('standing_at_risk', tests.fx_email(v_member))), '45',
                   'the message tells the member the rule''s suspension threshold: 45 days');
    perform tests.fx_collect(v_due + 46);
    return next is(tests.fx_standing(v_member), 'suspended', '46 days late: suspended');
    return next is((select days_late from dues.standing_change where member_id = v_member and to_standing = 'suspended'), 46,
                   'the change records the days late');
end
$$;
