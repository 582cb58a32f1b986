-- Tests of dues.membership_rule_holds: the one definition of a rule holding, for statuses and standings.

create or replace function tests.test_membership_rule_holds__from_start_until_end_exclusive()
returns setof text
language plpgsql
as $$
declare
    v_member     bigint := tests.fx_joined_member();
    v_membership dues.membership;
    v_rule       dues.membership_status_rule;
begin
    select * into v_membership from dues.membership where member_id = v_member;
    select * into v_rule from dues.membership_status_rule where status = 'current';
    v_rule.start_event := 'join_date';
    v_rule.start_offset := '2 days';
    v_rule.end_event := 'join_date';
    v_rule.end_offset := '5 days';
    return next is(array[dues.membership_rule_holds(v_rule, v_membership, v_membership.join_date + 1),
                         dues.membership_rule_holds(v_rule, v_membership, v_membership.join_date + 2),
                         dues.membership_rule_holds(v_rule, v_membership, v_membership.join_date + 4),
                         dues.membership_rule_holds(v_rule, v_membership, v_membership.join_date + 5)],
                   array[false, true, true, false], 'from start event + offset, until end event + offset, exclusive');
    v_rule.end_event := null;
    return next ok(dues.membership_rule_holds(v_rule, v_membership, v_membership.join_date + 5000), 'no end event: open-ended');
    v_rule.active := false;
    return next ok(not dues.membership_rule_holds(v_rule, v_membership, v_membership.join_date + 3), 'an inactive rule never holds');
    v_rule.active := true;
    v_rule.start_event := 'oldest_unpaid_due_date';
    return next ok(not dues.membership_rule_holds(v_rule, v_membership, v_membership.join_date + 3),
                   'an event date the member lacks (it owes nothing): the rule does not hold');
    v_rule.start_event := 'join_date';
    v_rule.end_event := 'end_date';
    return next ok(not dues.membership_rule_holds(v_rule, v_membership, v_membership.join_date + 3),
                   'nor when it lacks the end event''s date');
end
$$;
