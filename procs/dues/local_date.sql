-- Today in the organisation's time zone (setting local_timezone) at a given moment.
create or replace function dues.local_date(p_now timestamptz)
returns date
language sql
stable
set search_path = ''
as $$
    select (p_now at time zone coalesce((select s.value from dues.setting s where s.name = 'local_timezone'), 'UTC'))::date
$$;
