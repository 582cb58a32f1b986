-- The values one field of a cron expression allows, ascending: a list of *, n, n-m, each with an optional /step, or
-- names (p_names, in order from p_min: jan..dec, sun..sat). p_max is the highest value; day of week also takes 7
-- (Sunday, as 0). DU30J when the field is not one of these.
create or replace function dues.cron_field(p_field text, p_what text, p_min int, p_max int, p_names text[] default null)
returns int[]
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_field  text := pg_catalog.lower(p_field);
    v_item   text;
    v_m      text[];
    v_lo     int;
    v_hi     int;
    v_step   int;
    v_top    int := case when p_what = 'day of week' then 7 else p_max end;
    v_values int[] := '{}'::int[];
begin
    for v_i in 1 .. coalesce(pg_catalog.cardinality(p_names), 0) loop
        v_field := pg_catalog.replace(v_field, p_names[v_i], (p_min + v_i - 1)::text);
    end loop;
    foreach v_item in array pg_catalog.string_to_array(v_field, ',') loop
        v_m := pg_catalog.regexp_match(v_item, '^(\*|([0-9]{1,2})(-([0-9]{1,2}))?)(/([0-9]{1,2}))?$');
        if v_m is null then
            raise exception 'cron field % "%" is not *, a number, a range or a list of them (with /step)', p_what, p_field
                using errcode = 'DU30J';
        end if;
        v_lo := case when v_m[1] = '*' then p_min else v_m[2]::int end;
        v_hi := case when v_m[1] = '*' then p_max
                     when v_m[4] is not null then v_m[4]::int
                     when v_m[6] is not null then p_max
                     else v_lo end;
        v_step := coalesce(v_m[6]::int, 1);
        if v_lo < p_min or v_hi > v_top or v_lo > v_hi or v_step < 1 then
            raise exception 'cron field % "%" is outside % to %', p_what, p_field, p_min, v_top
                using errcode = 'DU30J';
        end if;
        v_values := v_values || array(select pg_catalog.generate_series(v_lo, v_hi, v_step));
    end loop;
    if p_what = 'day of week' then
        v_values := array(select case when v = 7 then 0 else v end from pg_catalog.unnest(v_values) v);
    end if;
    return array(select distinct v from pg_catalog.unnest(v_values) v order by v);
end
$$;
