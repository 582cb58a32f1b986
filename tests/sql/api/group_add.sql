-- Tests of api.group_add.

create or replace function tests.test_group_add__puts_a_member_in_a_group_open_ended()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_group  bigint := tests.fx_group();
begin
    return next results_eq(format('select * from api.group_add(%s, %s, %L, %L)', v_member, v_group, 'volunteers', '2026-03-01'),
                           format('values (%s::bigint)', v_member), 'the member added is returned');
    return next ok(dues.member_in_group(v_member, v_group, '2026-03-01'), 'it belongs to the group from the first day');
    return next ok(dues.member_in_group(v_member, v_group, '2099-01-01'), 'and on, open-ended');
    return next ok(not dues.member_in_group(v_member, v_group, '2026-02-28'), 'but not the day before');
    return next is_empty(format('select * from api.group_add(%s, %s, null, %L)', v_member, v_group, '2026-04-01'),
                         'adding it again adds nobody');
    return next is((select count(*) from dues.group_membership where member_id = v_member and group_id = v_group), 1::bigint,
                   'one membership row');
    return next results_eq(
        format($q$select action, why, actor, (new ->> 'group_id')::bigint from dues.audit_log
                   where table_name = 'group_membership' and member_id = %s$q$, v_member),
        format($q$values ('insert'::text, 'volunteers'::text, %L::text, %s::bigint)$q$, dues.actor(), v_group),
        'the change is in the audit log, with who and why');
end
$$;

create or replace function tests.test_group_add__refuses_unknown_or_missing_arguments()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_group  bigint := tests.fx_group();
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok(format('select api.group_add(%s, -1)', v_member), 'DU110', null, 'an unknown group');
    return next throws_ok(format('select api.group_add(-1, %s)', v_group), 'DU001', null, 'an unknown member');
    return next throws_ok(format('select api.group_add(%s, null)', v_member), 'DU014', null, 'a null group');
    return next throws_ok(format('select api.group_remove(%s, -1)', v_member), 'DU110', null,
                          'removing from an unknown group');
    return next throws_ok(format('select api.group_add(%s, %s, null, null)', v_member, v_group), 'DU014',
                          null, 'a null date');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;

create or replace function tests.test_group_add__is_for_staff_only()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_group  bigint := tests.fx_group();
    v_before jsonb := tests.fx_state();
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.group_add(%s, %s)', v_member, v_group), '42501', null,
                          'a member cannot put itself in a group');
    return next throws_ok(format('select api.group_remove(%s, %s)', v_member, v_group), '42501', null,
                          'nor take itself out of one');
    return next throws_ok('select api.group_create(''x'')', '42501', null, 'nor create a group');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
