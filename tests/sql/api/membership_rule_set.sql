-- Tests of api.membership_rule_set: add a membership status rule, or set every field of one.

create or replace function tests.test_membership_rule_set__adds_and_changes_rules()
returns setof text
language plpgsql
as $$
declare
    v_rule   dues.membership_status_rule;
    v_member bigint := tests.fx_joined_member();
begin
    v_rule := api.membership_rule_set(status => 'trial', start_event => 'join_date', end_event => 'join_date',
                                      end_offset => '14 days', weight => 15, is_membership => true,
                                      description => 'two weeks to try', add_groups => '{members}', why => 'trial period');
    return next is((v_rule.status, v_rule.weight, v_rule.active, v_rule.end_offset), ('trial'::text, 15, true, interval '14 days'),
                   'a new rule');
    return next is((select why from dues.audit_log where table_name = 'membership_status_rule' and row_id = v_rule.id), 'trial period',
                   'audited with why');
    perform jobs.expire(now());
    return next is((api.membership_status(v_member)).status, 'trial', 'members'' statuses follow it at the next jobs.expire');
    v_rule := api.membership_rule_set(v_rule.id, status => 'trial', start_event => 'join_date', end_event => 'join_date',
                                      end_offset => '30 days', weight => 15, is_membership => true);
    return next is((v_rule.end_offset, v_rule.description, v_rule.add_groups), (interval '30 days', ''::text, '{}'::text[]),
                   'given its id, every field is set: what is left out takes its default');
    v_rule := api.membership_rule_set(v_rule.id, status => 'trial', start_event => 'join_date', weight => 10, is_membership => true,
                                      active => false);
    return next is((v_rule.active, v_rule.weight), (false, 10), 'an inactive rule may share a weight');
    return next is((select count(*)::int from api.membership_rule_list() where status = 'trial'), 1, 'one rule, changed in place');
end
$$;

create or replace function tests.test_membership_rule_set__refuses_bad_rules_and_changes_nothing()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok('select api.membership_rule_set(status => ''x'', start_event => ''join_date'', weight => 20, is_membership => false)',
                          'DU308', 'active membership status rule ' || (select id from dues.membership_status_rule where weight = 20 and active)
                                   || ' has weight 20 already', 'a weight an active rule has');
    return next throws_ok('select api.membership_rule_set(987654321, ''x'', ''join_date'', 99, false)', 'DU307',
                          'membership status rule 987654321 not found', 'an unknown id');
    return next throws_ok('select api.membership_rule_set(status => ''Trial!'', start_event => ''join_date'', weight => 99, is_membership => false)',
                          'DU01A', null, 'a status that is not a lower-case identifier');
    return next throws_ok('select api.membership_rule_set(status => ''x'', start_event => ''birthday'', weight => 99, is_membership => false)',
                          'DU019', null, 'an unknown event');
    return next throws_ok('select api.membership_rule_set(status => ''x'', start_event => ''join_date'', end_event => ''payday'', weight => 99, is_membership => false)',
                          'DU019', null, 'an unknown end event');
    return next throws_ok('select api.membership_rule_set(status => ''x'', start_event => ''join_date'', weight => 99, is_membership => false, add_groups => ''{nope}'')',
                          'DU112', null, 'an unknown group key');
    return next throws_ok('select api.membership_rule_set(status => ''x'', start_event => ''join_date'', weight => 99, is_membership => false, reminder_template => ''chat_invite'')',
                          'DU112', null, 'a reminder that is not an e-mail');
    return next throws_ok('select api.membership_rule_set(status => ''x'', start_event => ''join_date'', weight => 99)', 'DU014', null,
                          'is_membership is required');
    return next is(tests.fx_state(), v_before, 'and nothing changed');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select api.membership_rule_set(status => ''x'', start_event => ''join_date'', weight => 99, is_membership => false)',
                          '42501', null, 'staff only');
end
$$;

create or replace function tests.test_membership_rule_set__rules_that_give_a_standing()
returns setof text
language plpgsql
as $$
declare
    v_rule   dues.membership_status_rule;
    v_before jsonb;
begin
    v_rule := api.membership_rule_set(standing => 'at_risk', start_event => 'oldest_unpaid_due_date', start_offset => '31 days',
                                      weight => 901, is_membership => false, why => 'at risk after a month');
    return next is((v_rule.status, v_rule.standing, v_rule.start_offset), (null::text, 'at_risk'::text, interval '31 days'),
                   'a rule that gives only billing''s standing');
    v_rule := api.membership_rule_set(v_rule.id, status => 'late', standing => 'at_risk', start_event => 'oldest_unpaid_due_date',
                                      start_offset => '31 days', weight => 901, is_membership => true,
                                      reminder_template => 'membership_reminder');
    return next is((v_rule.status, v_rule.standing, v_rule.reminder_template), ('late'::text, 'at_risk'::text, 'membership_reminder'::text),
                   'given a status too, it feeds both answers and may have actions');
    return next is((select standing from api.membership_rule_list() where id = v_rule.id), 'at_risk', 'membership_rule_list shows it');
    v_before := tests.fx_state();
    return next throws_ok('select api.membership_rule_set(start_event => ''join_date'', weight => 99, is_membership => false)',
                          'DU730', 'a membership status rule gives a status, a standing or both; this one gives neither',
                          'neither a status nor a standing');
    return next throws_ok('select api.membership_rule_set(standing => ''late'', start_event => ''join_date'', weight => 99, is_membership => false)',
                          'DU732', 'standing is good, at_risk or suspended, got late', 'an unknown standing');
    return next throws_ok('select api.membership_rule_set(standing => ''suspended'', start_event => ''join_date'', weight => 99, is_membership => false, remove_groups => ''{members}'')',
                          'DU731', 'standing rule suspended has a reminder or groups, which run only on entering a membership status',
                          'groups on a rule that gives only a standing');
    return next throws_ok('select api.membership_rule_set(standing => ''suspended'', start_event => ''join_date'', weight => 99, is_membership => false, reminder_template => ''membership_reminder'')',
                          'DU731', null, 'a reminder on a rule that gives only a standing');
    return next is(tests.fx_state(), v_before, 'and nothing changed');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select api.membership_rule_set(standing => ''good'', start_event => ''join_date'', weight => 99, is_membership => false)',
                          '42501', null, 'staff only');
end
$$;
