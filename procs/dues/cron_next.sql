-- The first time after p_after that a cron expression names (minute hour day-of-month month day-of-week, or @hourly,
-- @daily, @weekly, @monthly, @yearly), read in the site's time zone (setting local_timezone). As cron does, a day
-- matches when both day fields are *, or the one that is not matches, or either when neither is. DU30J when it is not
-- a cron expression, or names no time at all (30 February).
create or replace function dues.cron_next(p_cron text, p_after timestamptz)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
    v_cron    text := pg_catalog.lower(pg_catalog.btrim(p_cron));
    v_fields  text[];
    v_minutes int[];
    v_hours   int[];
    v_doms    int[];
    v_months  int[];
    v_dows    int[];
    v_tz      text := coalesce(nullif(dues.setting_text('local_timezone'), ''), 'UTC');
    v_from    timestamp;
    v_day     date;
    v_hour    int;
    v_minute  int;
    v_at      timestamptz;
begin
    v_cron := case v_cron
        when '@hourly' then '0 * * * *'
        when '@daily' then '0 0 * * *'
        when '@midnight' then '0 0 * * *'
        when '@weekly' then '0 0 * * 0'
        when '@monthly' then '0 0 1 * *'
        when '@yearly' then '0 0 1 1 *'
        when '@annually' then '0 0 1 1 *'
        else v_cron end;
    v_fields := pg_catalog.regexp_split_to_array(v_cron, '\s+');
    if pg_catalog.cardinality(v_fields) <> 5 then
        raise exception 'cron expression "%" has % fields: minute hour day-of-month month day-of-week', p_cron,
                        pg_catalog.cardinality(v_fields)
            using errcode = 'DU30J',
                  hint = 'e.g. "0 3 * * *" (every day at 03:00), "*/15 * * * *", "0 9 * * mon-fri", or @daily';
    end if;
    v_minutes := dues.cron_field(v_fields[1], 'minute', 0, 59);
    v_hours := dues.cron_field(v_fields[2], 'hour', 0, 23);
    v_doms := dues.cron_field(v_fields[3], 'day of month', 1, 31);
    v_months := dues.cron_field(v_fields[4], 'month', 1, 12,
                                '{jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec}');
    v_dows := dues.cron_field(v_fields[5], 'day of week', 0, 6, '{sun,mon,tue,wed,thu,fri,sat}');

    -- the next whole minute, on the site's clock
    v_from := pg_catalog.date_trunc('minute', p_after at time zone v_tz) + interval '1 minute';
    -- every day of a leap-year cycle and more: 29 February comes back within 8 years
    for v_i in 0 .. 366 * 9 loop
        v_day := v_from::date + v_i;
        continue when not (pg_catalog.date_part('month', v_day)::int = any (v_months));
        continue when not case
            when v_fields[3] like '*%' and v_fields[5] like '*%' then true
            when v_fields[3] like '*%' then pg_catalog.date_part('dow', v_day)::int = any (v_dows)
            when v_fields[5] like '*%' then pg_catalog.date_part('day', v_day)::int = any (v_doms)
            else pg_catalog.date_part('day', v_day)::int = any (v_doms)
                 or pg_catalog.date_part('dow', v_day)::int = any (v_dows) end;
        foreach v_hour in array v_hours loop
            foreach v_minute in array v_minutes loop
                v_at := (v_day + pg_catalog.make_time(v_hour, v_minute, 0)) at time zone v_tz;
                -- (a local time a clock change skips lands an hour off: still after p_after, or passed over)
                if v_day + pg_catalog.make_time(v_hour, v_minute, 0) >= v_from and v_at > p_after then
                    return v_at;
                end if;
            end loop;
        end loop;
    end loop;
    raise exception 'cron expression "%" names no day that exists', p_cron
        using errcode = 'DU30J';
end
$$;
