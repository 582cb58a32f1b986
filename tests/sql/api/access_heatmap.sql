-- Tests of api.access_heatmap.

create or replace function tests.test_access_heatmap__counts_by_weekday_and_hour()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := tests.fx_device();
    v_door   dues.item := tests.fx_item();
    v_member bigint := tests.fx_member();
    v_badge  text := tests.fx_badge(v_member);
begin
    perform api.group_add(v_member, tests.fx_group_id('members'), null, '2026-01-01');
    perform api.access_grant(tests.fx_group_id('members'), v_door.id);
    perform tests.fx_access(v_device, v_door.name, v_badge, '2026-03-02 09:05+00');  -- Monday
    perform tests.fx_access(v_device, v_door.name, v_badge, '2026-03-09 09:55+00');  -- Monday
    perform tests.fx_access(v_device, v_door.name, v_badge, '2026-03-07 18:00+00');  -- Saturday
    perform tests.fx_access(v_device, v_door.name, 'stranger-fx', '2026-03-07 18:10+00');
    return next is((select count(*) from api.access_heatmap(v_door.id)), 168::bigint, 'every weekday and hour has a cell');
    return next results_eq(format('select weekday, hour, count from api.access_heatmap(%s) where count > 0', v_door.id),
                           $q$values (1, 9, 2::bigint), (6, 18, 1::bigint)$q$, 'granted accesses by weekday and hour');
    return next results_eq(format('select weekday, hour, count from api.access_heatmap(%s, null, null, false) where count > 0', v_door.id),
                           $q$values (1, 9, 2::bigint), (6, 18, 2::bigint)$q$, 'every decision when asked');
    return next results_eq(format('select weekday, hour, count from api.access_heatmap(%s, %L, %L) where count > 0', v_door.id, '2026-03-03', '2026-03-08'),
                           $q$values (6, 18, 1::bigint)$q$, 'between two days, inclusive');
end
$$;
