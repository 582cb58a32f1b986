-- Lists the collector's runs, newest first, with what each did.
create or replace function api.collect_run_list("limit" int default 50, after bigint default null)
returns setof dues.collect_run
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.list_check(collect_run_list."limit", collect_run_list.after);
    return query
        select r.*
          from dues.collect_run r
         where collect_run_list.after is null or r.id < collect_run_list.after
         order by r.id desc
         limit collect_run_list."limit";
end
$$;

comment on function api.collect_run_list(int, bigint) is
$$Lists the collector's runs (dues jobs run collect), newest first: id, run_at (the "now" it ran for), started_at, finished_at (null
while members remain to visit), and how many members it visited, invoices it issued, lines, renewals, settlements, reminders,
standing changes, subscriptions ended, errors (collect_error_list tells them) and batches. A page of limit rows (50 by default, at
most 500); the next page is after the last id seen. Staff only.
Errors: DU300 limit outside 1..500, DU301 after below 1, 42501 not staff.$$;

grant execute on function api.collect_run_list(int, bigint) to dues_staff;
