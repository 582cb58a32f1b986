-- Tests of api.group_list.

create or replace function tests.test_group_list__counts_the_members_of_each_group_on_a_day()
returns setof text
language plpgsql
as $$
declare
    v_group  bigint := tests.fx_group();
    v_ann    bigint := tests.fx_member('Ann');
    v_bob    bigint := tests.fx_member('Bob');
    v_today  date := tests.fx_today();
begin
    perform api.group_add(v_ann, v_group, from_date => v_today);
    perform api.group_add(v_bob, v_group, from_date => v_today + 10);
    return next is((select member_count from api.group_list(v_today) where id = v_group), 1::bigint, 'today: one member');
    return next is((select member_count from api.group_list(v_today + 10) where id = v_group), 2::bigint, 'ten days on: two');
    return next is((select member_count from api.group_list(v_today - 1) where id = v_group), 0::bigint, 'yesterday: none, and still listed');
    return next is((select key from api.group_list() where key = 'members'), 'members', 'the named groups are listed, today by default');
end
$$;

create or replace function tests.test_group_list__refuses_a_null_day_and_members()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select * from api.group_list(null)', 'DU014', null, 'a null day');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select * from api.group_list()', '42501', null, 'a member cannot list the groups');
end
$$;
