-- Tests of api.member_link and api.member_unlink: linked members follow their master's groups.

create or replace function tests.test_member_link__joins_the_masters_followed_groups()
returns setof text
language plpgsql
as $$
declare
    v_master bigint := tests.fx_member('Master');
    v_linked bigint := tests.fx_member('Linked');
    v_link   dues.member_link;
begin
    perform api.group_add(v_master, tests.fx_group_id('members'), null, '2026-01-01');
    perform api.group_add(v_master, tests.fx_group_id('board'), null, '2026-01-01');
    v_link := api.member_link(v_linked, v_master, 'household');
    return next is(v_link.master_id, v_master, 'the link names the master');
    return next ok(tests.fx_in_group(v_linked, 'members'), 'the linked member is in members, as its master');
    return next ok(not tests.fx_in_group(v_linked, 'board'), 'but not on the board, a group linked members do not follow');
    return next is((select why from dues.audit_log where table_name = 'member_link' and member_id = v_linked),
                   'household', 'the link is in the audit log');
end
$$;

create or replace function tests.test_member_link__linked_members_follow_later_changes()
returns setof text
language plpgsql
as $$
declare
    v_master bigint := tests.fx_member('Master');
    v_linked bigint := tests.fx_member('Linked');
    v_today  date := tests.fx_today();
begin
    perform api.member_link(v_linked, v_master);
    return next set_eq(format('select * from api.group_add(%s, %s, null, %L)', v_master, tests.fx_group_id('members'), v_today),
                       format('values (%s::bigint), (%s)', v_master, v_linked),
                       'adding the master to members adds its linked member');
    return next set_eq(format('select * from api.group_add(%s, %s)', v_master, tests.fx_group_id('board')),
                       format('values (%s::bigint)', v_master), 'adding it to the board does not');
    return next set_eq(format('select * from api.group_remove(%s, %s, null, %L)', v_master, tests.fx_group_id('members'), v_today + 10),
                       format('values (%s::bigint), (%s)', v_master, v_linked),
                       'removing the master from members removes its linked member');
    return next ok(not tests.fx_in_group(v_linked, 'members', v_today + 10), 'the linked member is out');
end
$$;

create or replace function tests.test_member_link__refuses_self_chains_and_double_links()
returns setof text
language plpgsql
as $$
declare
    v_a      bigint := tests.fx_member('A');
    v_b      bigint := tests.fx_member('B');
    v_c      bigint := tests.fx_member('C');
    v_before jsonb;
begin
    perform api.member_link(v_b, v_a);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.member_link(%s, %s)', v_c, v_c), 'DU111',
                          format('member %s cannot be linked to itself', v_c), 'a member cannot be its own master');
    return next throws_ok(format('select api.member_link(%s, %s)', v_b, v_c), 'DU111',
                          null, 'a member has one master');
    return next throws_ok(format('select api.member_link(%s, %s)', v_c, v_b), 'DU111',
                          null,
                          'a linked member cannot be a master');
    return next throws_ok(format('select api.member_link(%s, %s)', v_a, v_c), 'DU111',
                          null,
                          'a master cannot become linked');
    return next throws_ok(format('select api.member_unlink(%s)', v_c), 'DU111',
                          null, 'unlinking a member that is not linked');
    return next throws_ok(format('select api.member_link(%s, -1)', v_c), 'DU001', null, 'an unknown master');
    return next throws_ok(format('select api.member_link(%s, null)', v_c), 'DU014', null, 'a null master');
    perform tests.fx_as_member(v_c);
    return next throws_ok(format('select api.member_link(%s, %s)', v_c, v_a), '42501', null,
                          'a member cannot link itself');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
