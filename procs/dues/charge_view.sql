-- A charge as the api shows it: cancelled, billed (on the invoice of its line that is not void), or pending.
create or replace function dues.charge_view(p_charge dues.charge)
returns dues.charge_view
language sql
stable
set search_path = ''
as $$
    select p_charge.id, p_charge.member_id, p_charge.class_id, p_charge.class_subscription_id, p_charge.kind,
           p_charge.description, p_charge.amount, p_charge.currency, p_charge.due_date,
           case when l.invoice_id is not null then 'billed' when k.cancelled_at is not null then 'cancelled'
                else 'pending' end,
           l.invoice_id, p_charge.created_at, k.cancelled_at
      from (select null) x
      left join dues.invoice_line l on l.charge_id = p_charge.id and not l.void
      left join dues.charge_cancellation k on k.charge_id = p_charge.id
$$;
