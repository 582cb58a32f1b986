-- Tests of api.access_log and api.access_heatmap: the access log by member, item and day, and counts by weekday and hour.

create or replace function tests.test_access_log__by_member_item_and_day()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := tests.fx_device();
    v_door   dues.item := tests.fx_item();
    v_shop   dues.item := tests.fx_item();
    v_ann    bigint := tests.fx_member('Ann');
    v_bob    bigint := tests.fx_member('Bob');
    v_annb   text := tests.fx_badge(v_ann);
    v_bobb   text := tests.fx_badge(v_bob);
begin
    perform tests.fx_access(v_device, v_door.name, v_annb, '2026-03-02 09:00+00');  -- a Monday
    perform tests.fx_access(v_device, v_shop.name, v_annb, '2026-03-02 23:30+00');
    perform tests.fx_access(v_device, v_door.name, v_bobb, '2026-03-03 09:15+00');
    perform tests.fx_access(v_device, v_door.name, 'stranger-fx', '2026-03-03 10:00+00');
    return next results_eq(format('select item, at from api.access_log(%s)', v_ann),
                           format($q$values (%L::text, '2026-03-02 23:30+00'::timestamptz), (%L, '2026-03-02 09:00+00')$q$, v_shop.name, v_door.name),
                           'a member''s accesses, newest first');
    return next results_eq(format('select badge from api.access_log(null, %s)', v_door.id),
                           format($q$values ('stranger-fx'::text), (%L), (%L)$q$, v_bobb, v_annb),
                           'an item''s accesses, unknown badges included');
    return next results_eq(format('select badge from api.access_log(null, %s, %L)', v_door.id, '2026-03-03'),
                           format($q$values ('stranger-fx'::text), (%L)$q$, v_bobb), 'an item''s accesses on a day');
    return next results_eq(format('select badge from api.access_log(null, null, %L, 1) where device_id = %s', '2026-03-03', v_device.id),
                           $q$values ('stranger-fx'::text)$q$, 'at most limit rows');
    return next throws_ok('select * from api.access_log(null, null, null, 0)', 'DU01E', 'limit must be a positive number, got 0',
                          'limit is positive');
end
$$;

create or replace function tests.test_access_log__days_and_hours_are_local()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := tests.fx_device();
    v_door   dues.item := tests.fx_item();
    v_member bigint := tests.fx_member();
    v_badge  text := tests.fx_badge(v_member);
begin
    update dues.setting set value = 'America/New_York' where name = 'local_timezone';
    perform tests.fx_access(v_device, v_door.name, v_badge, '2026-03-03 02:00+00');  -- 21:00 on Monday 2 March in New York
    return next is((select count(*) from api.access_log(null, v_door.id, '2026-03-02')), 1::bigint,
                   'the day is the local one');
    return next is((select count from api.access_heatmap(v_door.id, null, null, false) where weekday = 1 and hour = 21), 1::bigint,
                   'so are the weekday and hour of the heatmap');
end
$$;
