-- What a member owes now: open invoices' amounts due summed (in its most used currency) and the oldest unpaid due date.
create or replace function dues.member_owed(p_member_id bigint, out amount_due numeric, out currency char(3), out oldest_due_date date)
language sql
stable
set search_path = ''
as $$
    select coalesce(pg_catalog.sum(i.total - dues.invoice_settled(i.id)), 0),
           pg_catalog.min(i.currency),
           pg_catalog.min(i.due_date)
      from dues.invoice i
     where i.member_id = p_member_id and i.status = 'open'
$$;
