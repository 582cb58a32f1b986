-- Tests of groups: api.group_create, group_list, group_members, member_groups, group_add, group_remove.

create or replace function tests.test_groups__the_named_groups_exist()
returns setof text
language plpgsql
as $$
begin
    return next results_eq(
        $q$select key, linked_members_follow from dues."group" where key in ('members', 'pending_payments', 'board') order by key$q$,
        $q$values ('board'::text, false), ('members', true), ('pending_payments', true)$q$,
        'members, pending_payments and board exist; linked members follow members and pending_payments only');
end
$$;

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

create or replace function tests.test_group_remove__ends_the_membership_and_keeps_it()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_group  bigint := tests.fx_group();
begin
    perform api.group_add(v_member, v_group, null, '2026-03-01');
    return next results_eq(format('select * from api.group_remove(%s, %s, %L, %L)', v_member, v_group, 'moved away', '2026-05-01'),
                           format('values (%s::bigint)', v_member), 'the member removed is returned');
    return next ok(dues.member_in_group(v_member, v_group, '2026-04-30'), 'it belonged to the group until the day before');
    return next ok(not dues.member_in_group(v_member, v_group, '2026-05-01'), 'not from the day of removal');
    return next is((select during from dues.group_membership where member_id = v_member and group_id = v_group),
                   '[2026-03-01,2026-05-01)'::daterange, 'the membership row is kept with its end');
    return next is((select why from dues.audit_log where table_name = 'group_membership' and member_id = v_member and action = 'update'),
                   'moved away', 'the removal is in the audit log with its reason');
    return next is_empty(format('select * from api.group_remove(%s, %s, null, %L)', v_member, v_group, '2026-06-01'),
                         'removing it again removes nobody');
end
$$;

create or replace function tests.test_group_remove__on_the_day_of_joining_keeps_that_day()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_group  bigint := tests.fx_group();
begin
    perform api.group_add(v_member, v_group, null, '2026-03-01');
    perform api.group_remove(v_member, v_group, null, '2026-03-01');
    return next is((select during from dues.group_membership where member_id = v_member and group_id = v_group),
                   '[2026-03-01,2026-03-02)'::daterange, 'a membership never becomes empty: it covered its first day');
    return next ok(not dues.member_in_group(v_member, v_group, '2026-03-02'), 'and ended then');
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
    return next throws_ok(format('select api.group_add(%s, -1)', v_member), 'DU110', 'group -1 not found', 'an unknown group');
    return next throws_ok(format('select api.group_add(-1, %s)', v_group), 'DU001', 'member -1 not found', 'an unknown member');
    return next throws_ok(format('select api.group_add(%s, null)', v_member), 'DU014', 'argument group_id is required', 'a null group');
    return next throws_ok(format('select api.group_remove(%s, -1)', v_member), 'DU110', 'group -1 not found',
                          'removing from an unknown group');
    return next throws_ok(format('select api.group_add(%s, %s, null, null)', v_member, v_group), 'DU014',
                          'argument from_date is required', 'a null date');
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
    return next throws_ok(format('select api.group_add(%s, %s)', v_member, v_group), '42501', 'only staff may do this',
                          'a member cannot put itself in a group');
    return next throws_ok(format('select api.group_remove(%s, %s)', v_member, v_group), '42501', 'only staff may do this',
                          'nor take itself out of one');
    return next throws_ok('select api.group_create(''x'')', '42501', 'only staff may do this', 'nor create a group');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;

create or replace function tests.test_group_create__checks_name_and_key()
returns setof text
language plpgsql
as $$
declare
    v_group dues."group" := api.group_create(' Laser users ', 'laser_users_fx');
    v_before jsonb := tests.fx_state();
begin
    return next is(v_group.name, 'Laser users', 'the name is trimmed');
    return next is(v_group.linked_members_follow, false, 'linked members do not follow a group by default');
    return next throws_ok('select api.group_create(''Other'', ''laser_users_fx'')', 'DU013',
                          'group key laser_users_fx is already used', 'a key is unique');
    return next throws_ok('select api.group_create(''Other'', ''Laser Users'')', 'DU013',
                          'group key Laser Users must be a lower-case identifier', 'a key is an identifier');
    return next throws_ok('select api.group_create('' '')', 'DU013', 'name must not be blank', 'a name is not blank');
    return next throws_ok('select api.group_create(null)', 'DU014', 'argument name is required', 'a name is required');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;

create or replace function tests.test_group_members__lists_who_belongs_on_a_day()
returns setof text
language plpgsql
as $$
declare
    v_ann   bigint := tests.fx_member('Ann');
    v_bob   bigint := tests.fx_member('Bob');
    v_group bigint := tests.fx_group();
begin
    perform api.group_add(v_ann, v_group, null, '2026-01-01');
    perform api.group_add(v_bob, v_group, null, '2026-02-01');
    perform api.group_remove(v_ann, v_group, null, '2026-03-01');
    return next results_eq(format('select member_id, name, since, until from api.group_members(%s, %L)', v_group, '2026-02-15'),
                           format($q$values (%s::bigint, 'Ann'::text, '2026-01-01'::date, '2026-02-28'::date),
                                            (%s, 'Bob', '2026-02-01', null)$q$, v_ann, v_bob),
                           'both belong mid-February, Ann until the end of February (inclusive)');
    return next results_eq(format('select member_id from api.group_members(%s, %L)', v_group, '2026-03-01'),
                           format('values (%s::bigint)', v_bob), 'only Bob in March');
    return next results_eq(format('select member_count from api.group_list(%L) where id = %s', '2026-02-15', v_group),
                           'values (2::bigint)', 'group_list counts the members of the day');
    return next results_eq(format('select group_id, since, until from api.member_groups(%s, %L)', v_ann, '2026-02-15'),
                           format($q$values (%s::bigint, '2026-01-01'::date, '2026-02-28'::date)$q$, v_group),
                           'member_groups lists the groups of a member on a day');
    return next throws_ok(format('select * from api.group_members(-1)'), 'DU110', 'group -1 not found', 'an unknown group');
end
$$;

create or replace function tests.test_member_groups__a_member_sees_only_its_own()
returns setof text
language plpgsql
as $$
declare
    v_ann bigint := tests.fx_member('Ann');
    v_bob bigint := tests.fx_member('Bob');
begin
    perform tests.fx_as_member(v_ann);
    return next lives_ok(format('select * from api.member_groups(%s)', v_ann), 'a member may list its own groups');
    return next throws_ok(format('select * from api.member_groups(%s)', v_bob), '42501', format('not allowed to act for member %s', v_bob),
                          'not another member''s');
end
$$;
