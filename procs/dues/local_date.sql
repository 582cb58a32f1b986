-- Today in the organization's time zone (setting local_timezone) at a given moment: the one "today" of dues.
-- Argument defaults call it (default dues.local_date(now())), and a default runs with the caller's privileges:
-- hence security definer, and executable by the request roles that call such functions (it reveals only the date).
-- PL/pgSQL, not SQL, so that its query is planned once per session and not on every call.
create or replace function dues.local_date(p_now timestamptz)
returns date
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_zone text;
begin
    select s.value into v_zone from dues.setting s where s.name = 'local_timezone';
    return (p_now at time zone coalesce(v_zone, 'UTC'))::date;
end
$$;

grant execute on function dues.local_date(timestamptz) to dues_member, dues_staff;
