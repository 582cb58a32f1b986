-- Lists the members a collector run could not bill, and why.
create or replace function api.collect_error_list(collect_run_id bigint, "limit" int default 50, after bigint default null)
returns table (id bigint, member_id bigint, member_name text, sqlstate text, message text, created_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('collect_run_id', collect_error_list.collect_run_id is null);
    perform dues.list_check(collect_error_list."limit", collect_error_list.after);
    if not exists (select from dues.collect_run r where r.id = collect_error_list.collect_run_id) then
        raise exception 'collector run % not found', collect_error_list.collect_run_id
            using errcode = 'DU30H',
                  hint = 'collect_run_list lists the runs';
    end if;
    return query
        select e.id, e.member_id, m.name, e.sqlstate, e.message, e.created_at
          from dues.collect_error e
          join dues.member m on m.id = e.member_id
         where e.collect_run_id = collect_error_list.collect_run_id
           and (collect_error_list.after is null or e.id < collect_error_list.after)
         order by e.id desc
         limit collect_error_list."limit";
end
$$;

comment on function api.collect_error_list(bigint, int, bigint) is
$$Lists the members a collector run could not bill (their changes were rolled back, the run went on), newest first: id, member_id,
member_name, sqlstate (the error's code, e.g. DUB14: no provider for a class) and message. A page of limit rows (50 by default, at
most 500); the next page is after the last id seen. Staff only.
Errors: DU014 collect_run_id is null, DU30H unknown run, DU300 limit outside 1..500, DU301 after below 1, 42501 not staff.$$;

grant execute on function api.collect_error_list(bigint, int, bigint) to dues_staff;
