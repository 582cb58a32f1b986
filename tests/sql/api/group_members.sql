-- Tests of api.group_members.

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
    return next throws_ok(format('select * from api.group_members(-1)'), 'DU110', null, 'an unknown group');
end
$$;
