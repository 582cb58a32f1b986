-- Tests of api.group_remove.

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
