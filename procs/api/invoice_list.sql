-- Invoices by member, status and issue dates, newest first.
create or replace function api.invoice_list(member_id bigint default null, status text default null,
                                            from_date date default null, to_date date default null)
returns table (id bigint, number text, invoice_member_id bigint, provider_id bigint, currency char(3), invoice_status text,
               issue_date date, due_date date, total numeric(14,2), amount_due numeric(14,2))
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    if invoice_list.member_id is null then
        perform dues.authorize_staff();
    else
        perform dues.authorize_member(invoice_list.member_id, 'use');
        perform dues.member_get(invoice_list.member_id);
    end if;
    if invoice_list.status not in ('draft', 'open', 'paid', 'void', 'uncollectible') then
        raise exception 'status must be draft, open, paid, void or uncollectible, got %', invoice_list.status
            using errcode = 'DU019';
    end if;
    if invoice_list.from_date > invoice_list.to_date then
        raise exception 'from_date % is after to_date %', invoice_list.from_date, invoice_list.to_date
            using errcode = 'DU01C';
    end if;
    return query
        select i.id, i.number, i.member_id, i.provider_id, i.currency, i.status, i.issue_date, i.due_date, i.total,
               (case when i.status = 'open' then i.total - dues.invoice_settled(i.id) else 0 end)::numeric(14,2)
          from dues.invoice i
         where (invoice_list.member_id is null or i.member_id = invoice_list.member_id)
           and (invoice_list.status is null or i.status = invoice_list.status)
           and (invoice_list.from_date is null or i.issue_date >= invoice_list.from_date)
           and (invoice_list.to_date is null or i.issue_date <= invoice_list.to_date)
         order by i.issue_date desc nulls first, i.id desc;
end
$$;

comment on function api.invoice_list(bigint, text, date, date) is
$$Lists invoices, newest first: of one member (member_id), or of everyone (staff only, member_id null); optionally only one status
(draft, open, paid, void, uncollectible) and only those issued from from_date to to_date (inclusive). Each row: id, number,
invoice_member_id, provider_id, currency, invoice_status, issue_date, due_date, total, amount_due (left to pay on an open invoice).
Errors: DU001 unknown member, DU019 unknown status, DU01C from_date after to_date, 42501 not allowed.$$;

grant execute on function api.invoice_list(bigint, text, date, date) to dues_member, dues_staff;
