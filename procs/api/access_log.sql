create or replace function api.access_log(member_id bigint default null, item_id bigint default null, day date default null,
                                          "limit" int default 100)
returns setof dues.access_log
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_zone text := coalesce(nullif(dues.setting_text('local_timezone'), ''), 'UTC');
begin
    perform dues.authorize_staff();
    if access_log."limit" is null or access_log."limit" < 1 then
        raise exception 'limit must be a positive number, got %', coalesce(access_log."limit"::text, 'null')
            using errcode = 'DU01E';
    end if;
    return query
        select l.* from dues.access_log l
         where (access_log.member_id is null or l.member_id = access_log.member_id)
           and (access_log.item_id is null or l.item_id = access_log.item_id)
           and (access_log.day is null
                or l.at >= (access_log.day::timestamp at time zone v_zone)
                   and l.at < ((access_log.day + 1)::timestamp at time zone v_zone))
         order by l.at desc, l.id desc
         limit access_log."limit";
end
$$;

comment on function api.access_log(bigint, bigint, date, int) is
$$The access log, newest first: every decision (when, device, item, badge, member when known, granted, reason), for one member,
one item and/or one day (in setting local_timezone) when given, at most limit rows (100 by default). Staff only.
Errors: DU01E limit not positive.$$;

grant execute on function api.access_log(bigint, bigint, date, int) to dues_staff;
