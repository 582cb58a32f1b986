-- The reminder offsets (days after the due date), ascending, from setting reminder_days ("7,30").
create or replace function dues.reminder_days()
returns int[]
language sql
stable
set search_path = ''
as $$
    select coalesce((select pg_catalog.array_agg(distinct d.value::int order by d.value::int)
                       from dues.setting s,
                            pg_catalog.regexp_split_to_table(s.value, '\s*,\s*') as d(value)
                      where s.name = 'reminder_days' and d.value ~ '^[0-9]+$' and d.value::int > 0),
                    '{}')
$$;
