-- Tests of the membership status rules and jobs.expire: the hackerspace's policy as shipped, and rules as data.
-- Payments are made now (or at a chosen moment) and the job runs days later: every test moves the clock forward.

create or replace function tests.test_membership_status_rule__refuses_rules_that_cannot_work()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok($q$insert into dues.membership_status_rule (status, start_event, weight, is_membership, add_groups)
                             values ('x', 'join_date', 1001, true, '{no_such_group}')$q$,
                          'DU112', 'membership status rule x: no group has key no_such_group', 'a group key must exist');
    return next throws_ok($q$insert into dues.membership_status_rule (status, start_event, weight, is_membership, reminder_template)
                             values ('x', 'join_date', 1001, true, 'chat_invite')$q$,
                          'DU112', null, 'a reminder is an e-mail');
    return next throws_ok($q$insert into dues.membership_status_rule (status, start_event, start_offset, end_event, end_offset, weight, is_membership)
                             values ('x', 'join_date', '10 days', 'join_date', '5 days', 1001, true)$q$,
                          'DU112', null,
                          'a rule ends after it starts');
    return next throws_ok($q$insert into dues.membership_status_rule (status, start_event, weight, is_membership, add_groups, remove_groups)
                             values ('x', 'join_date', 1001, true, '{members}', '{members}')$q$,
                          'DU112', null, 'a group is added or removed, not both');
    return next throws_ok($q$insert into dues.membership_status_rule (status, start_event, weight, is_membership)
                             values ('x', 'join_date', 60, true)$q$,
                          '23505', null, 'two active rules cannot have the same weight');
    return next is(tests.fx_state(), v_before, 'no rule was added');
end
$$;

create or replace function tests.test_membership__api_refusals_change_nothing()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_joined_member();
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok(format('select api.membership_resign(%s)', v_member), 'DU113',
                          format('member %s has no membership', v_member), 'resigning without a membership');
    return next throws_ok(format('select api.membership_waive(%s, true)', v_member), 'DU113',
                          null, 'waiving without a membership');
    return next throws_ok(format('select api.membership_waive(%s, null)', v_other), 'DU014',
                          null, 'waived is required');
    return next throws_ok('select api.membership_join(-1)', 'DU001', null, 'an unknown member cannot join');
    return next throws_ok('select api.membership_status(-1)', 'DU001', null, 'nor have a status');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.membership_join(%s)', v_member), '42501', null,
                          'a member does not make itself a member');
    return next throws_ok(format('select api.membership_waive(%s, true)', v_other), '42501', null,
                          'nor waive dues');
    return next throws_ok(format('select api.membership_status(%s)', v_other), '42501',
                          null, 'nor read another member''s status');
    return next throws_ok(format('select api.membership_resign(%s)', v_other), '42501',
                          null, 'nor resign for another member');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
