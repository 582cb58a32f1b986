-- Tests of dues.membership_status_rule_check: whoever writes the rows (a DBA's migration too), a rule gives a status or a
-- standing, and a rule that gives only a standing has no actions.

create or replace function tests.test_membership_status_rule_check__a_rule_gives_a_status_or_a_standing()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok($q$update dues.membership_status_rule set standing = null where status is null and standing = 'at_risk'$q$,
                          'DU730', null, 'a rule that would give nothing');
    return next throws_ok($q$update dues.membership_status_rule set status = null where status = 'expired'$q$,
                          'DU730', null, 'a status rule without its status and no standing');
    return next throws_ok($q$update dues.membership_status_rule set add_groups = '{members}' where status is null and standing = 'at_risk'$q$,
                          'DU731', null, 'groups on a rule that gives only a standing');
    return next throws_ok($q$insert into dues.membership_status_rule (standing, start_event, weight, is_membership, remove_groups)
                             values ('suspended', 'join_date', 99, false, '{nope}')$q$,
                          'DU731', null, 'checked before the group keys');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    update dues.membership_status_rule set standing = 'suspended' where status = 'expired';
    return next is((select standing from dues.membership_status_rule where status = 'expired'), 'suspended',
                   'a status rule may give a standing as well, and keeps its actions');
end
$$;
