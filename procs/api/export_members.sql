-- Members for the books: one row per member, with its membership.
create or replace function api.export_members(from_date date default null, to_date date default null)
returns table (member_id bigint, kind text, name text, email text, paypal_email text, created_on date, membership_status text,
               join_date date, start_date date, end_date date, erased_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.export_range_check(export_members.from_date, export_members.to_date);
    return query
        select m.id, m.kind, m.name, m.email, m.paypal_email, dues.local_date(m.created_at), ms.status, ms.join_date,
               ms.start_date, ms.end_date, m.erased_at
          from dues.member m
          left join dues.membership ms on ms.member_id = m.id
         where (export_members.from_date is null or dues.local_date(m.created_at) >= export_members.from_date)
           and (export_members.to_date is null or dues.local_date(m.created_at) <= export_members.to_date)
         order by m.id;
end
$$;

comment on function api.export_members(date, date) is
$$Members for the books: one row per member registered from from_date to to_date (both included, days in setting local_timezone;
null: no bound): kind, name, e-mail, PayPal e-mail, the day it was registered, its membership (status, join, start and end dates)
and when its personal data was erased (member_erase). Streamed by `dues export members`. Staff only.
Errors: DU01C from_date after to_date, 42501 not staff.$$;

grant execute on function api.export_members(date, date) to dues_staff;
