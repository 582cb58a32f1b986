-- Invoices for an accountant: one row per invoice, with what settled it.
create or replace function api.export_invoices(from_date date default null, to_date date default null)
returns table (invoice_id bigint, number text, member_id bigint, provider_id bigint, status text, issue_date date, due_date date,
               total numeric, settled numeric, currency char(3), created_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.export_range_check(export_invoices.from_date, export_invoices.to_date);
    return query
        select i.id, i.number, i.member_id, i.provider_id, i.status, i.issue_date, i.due_date, i.total,
               coalesce((select pg_catalog.sum(s.amount) from dues.settlement s where s.invoice_id = i.id), 0)::numeric,
               i.currency, i.created_at
          from dues.invoice i
         where (export_invoices.from_date is null or coalesce(i.issue_date, dues.local_date(i.created_at)) >= export_invoices.from_date)
           and (export_invoices.to_date is null or coalesce(i.issue_date, dues.local_date(i.created_at)) <= export_invoices.to_date)
         order by i.id;
end
$$;

comment on function api.export_invoices(date, date) is
$$Invoices for an accountant: one row per invoice issued (drafts: made) from from_date to to_date (both included; null: no bound):
number, member, provider, status (draft, open, paid, void, uncollectible), issue and due dates, total, what settled it so far
(credit applied, less what was unapplied, and write-offs) and currency. Streamed by `dues export invoices`. Staff only.
Errors: DU01C from_date after to_date, 42501 not staff.$$;

grant execute on function api.export_invoices(date, date) to dues_staff;
