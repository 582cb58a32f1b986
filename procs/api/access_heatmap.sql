create or replace function api.access_heatmap(item_id bigint default null, from_date date default null, to_date date default null,
                                              granted_only boolean default true)
returns table (weekday int, hour int, count bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_zone text := coalesce(nullif(dues.setting_text('local_timezone'), ''), 'UTC');
begin
    perform dues.authorize_staff();
    perform dues.require_argument('granted_only', access_heatmap.granted_only is null);
    return query
        select w.d, h.h, pg_catalog.count(x.at)
          from pg_catalog.generate_series(0, 6) w(d)
         cross join pg_catalog.generate_series(0, 23) h(h)
          left join (select l.at at time zone v_zone as at
                       from dues.access_log l
                      where (access_heatmap.item_id is null or l.item_id = access_heatmap.item_id)
                        and (not access_heatmap.granted_only or l.granted)
                        and (access_heatmap.from_date is null or l.at >= (access_heatmap.from_date::timestamp at time zone v_zone))
                        and (access_heatmap.to_date is null or l.at < ((access_heatmap.to_date + 1)::timestamp at time zone v_zone))) x
            on extract(dow from x.at)::int = w.d and extract(hour from x.at)::int = h.h
         group by w.d, h.h
         order by w.d, h.h;
end
$$;

comment on function api.access_heatmap(bigint, date, date, boolean) is
$$Access counts by weekday (0 Sunday to 6 Saturday) and hour (0 to 23) in setting local_timezone, all 168 cells, for a heatmap:
of one item when given, between from_date and to_date (inclusive) when given, granted accesses only unless granted_only is false.
Staff only. Errors: DU014 granted_only is null.$$;

grant execute on function api.access_heatmap(bigint, date, date, boolean) to dues_staff;
