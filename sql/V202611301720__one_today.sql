-- One "today": argument defaults that were the session's current_date call dues.local_date(now()), the day in
-- setting local_timezone. A default is resolved when its function is created, so dues.local_date must exist
-- before procs/ is applied on a new database: declared here with its definition, which procs/dues/local_date.sql
-- keeps (and makes security definer, since a default runs with the caller's privileges).
create or replace function dues.local_date(p_now timestamptz)
returns date
language sql
stable
set search_path = ''
as $$
    select (p_now at time zone coalesce((select s.value from dues.setting s where s.name = 'local_timezone'), 'UTC'))::date
$$;
