-- What each member owes on open invoices, by how late it is on a day.
create or replace function api.report_receivables(as_of date default dues.local_date(now()))
returns table (member_id bigint, member_name text, currency char(3), not_due numeric, days_0_30 numeric,
               days_31_60 numeric, days_61_90 numeric, over_90 numeric, total numeric,
               oldest_due_date date)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('as_of', report_receivables.as_of is null);
    return query
        with open_amount as (
            select i.member_id, i.currency, i.due_date, report_receivables.as_of - i.due_date as late,
                   i.total - dues.invoice_settled(i.id) as due
              from dues.invoice i
             where i.status = 'open'
        )
        select o.member_id, m.name, o.currency,
               pg_catalog.round(coalesce(pg_catalog.sum(o.due) filter (where o.late < 0), 0), 2),
               pg_catalog.round(coalesce(pg_catalog.sum(o.due) filter (where o.late between 0 and 30), 0), 2),
               pg_catalog.round(coalesce(pg_catalog.sum(o.due) filter (where o.late between 31 and 60), 0), 2),
               pg_catalog.round(coalesce(pg_catalog.sum(o.due) filter (where o.late between 61 and 90), 0), 2),
               pg_catalog.round(coalesce(pg_catalog.sum(o.due) filter (where o.late > 90), 0), 2),
               pg_catalog.round(pg_catalog.sum(o.due), 2),
               pg_catalog.min(o.due_date)
          from open_amount o
          join dues.member m on m.id = o.member_id
         group by o.member_id, m.name, o.currency
         order by o.currency, pg_catalog.sum(o.due) desc, o.member_id;
end
$$;

comment on function api.report_receivables(date) is
$$Receivables ageing on a day (as_of, default today): for each member and currency with open invoices, what is left to pay on them
(today's amounts) by how many days past its due date it is on as_of: not_due (not yet due), days_0_30, days_31_60, days_61_90 and
over_90, with the total and the oldest due date; largest debts first. Staff only.
Errors: DU014 as_of is null, 42501 not staff.$$;

grant execute on function api.report_receivables(date) to dues_staff;
