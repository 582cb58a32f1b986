-- Tests of dues.member_standing_rule: billing's standing from the rules that give one.

create or replace function tests.test_member_standing_rule__the_shipped_rules_are_the_old_thresholds()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Nia No Membership');
    v_due    date := tests.fx_day(1, 1);
begin
    return next is((select array_agg((standing, start_event, start_offset)::text order by weight)
                      from dues.membership_status_rule where active and standing is not null and status is null),
                   array['(at_risk,oldest_unpaid_due_date,"61 days")', '(suspended,oldest_unpaid_due_date,"91 days")'],
                   'two rules that give only a standing: more than 60 and more than 90 days after the oldest unpaid due date');
    return next is(dues.member_standing_rule(v_member, v_due + 400), 'good', 'a member who owes nothing is in good standing');
    perform tests.fx_subscribe(v_member, v_class, v_due);
    perform tests.fx_collect(tests.fx_day(12, 20, -1));
    return next is(array[dues.member_standing_rule(v_member, v_due + 60), dues.member_standing_rule(v_member, v_due + 61),
                         dues.member_standing_rule(v_member, v_due + 90), dues.member_standing_rule(v_member, v_due + 91)],
                   array['good', 'at_risk', 'at_risk', 'suspended'],
                   'without a membership too: good at 60 days late, at risk at 61, suspended at 91');
    perform tests.fx_pay(v_member, 30);
    return next is(dues.member_standing_rule(v_member, v_due + 91), 'good', 'good again once paid');
end
$$;

create or replace function tests.test_member_standing_rule__the_rule_of_highest_weight_decides()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_joined_member('Gus Grace');
    v_due    date := tests.fx_day(1, 1);
    v_rule   bigint;
begin
    perform tests.fx_subscribe(v_member, v_class, v_due);
    perform tests.fx_collect(tests.fx_day(12, 20, -1));
    -- a grace: within 1000 days of joining, a member is in good standing whatever it owes
    insert into dues.membership_status_rule (standing, start_event, end_event, end_offset, weight, is_membership)
    values ('good', 'join_date', 'join_date', '1000 days', 950, false)
    returning id into v_rule;
    return next is(dues.member_standing_rule(v_member, v_due + 91), 'good', 'a rule of higher weight that holds decides');
    return next is((api.membership_status(v_member)).status, 'pending',
                   'a rule without a status gives no membership status');
    return next is(dues.member_standing_rule(v_member, tests.fx_today() + 1000), 'suspended',
                   'once it ends, the next rule that holds decides');
    update dues.membership_status_rule set active = false where id = v_rule;
    return next is(dues.member_standing_rule(v_member, v_due + 91), 'suspended', 'an inactive rule decides nothing');
    update dues.membership_status_rule set active = false where standing is not null;
    return next is(dues.member_standing_rule(v_member, v_due + 400), 'good', 'no rule that holds: good');
end
$$;
