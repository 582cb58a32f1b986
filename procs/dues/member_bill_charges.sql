-- Bills a member's charges (setup fees, one-off charges) due on or before the horizon into the run's draft invoices; returns the lines.
-- A cancelled charge is never billed (dues.charge_billable refuses its line anyway).
create or replace function dues.member_bill_charges(p_member_id bigint, p_horizon date, p_run_id bigint)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_charge dues.charge;
    v_lines  int := 0;
begin
    for v_charge in
        select c.*
          from dues.charge c
         where c.member_id = p_member_id and c.due_date <= p_horizon
           and not exists (select from dues.charge_cancellation k where k.charge_id = c.id)
           and not exists (select from dues.invoice_line l where l.charge_id = c.id and not l.void)
         order by c.due_date, c.id
    loop
        insert into dues.invoice_line (invoice_id, kind, class_id, class_subscription_id, charge_id, description, due_date, amount)
        values (dues.invoice_draft(p_member_id, dues.class_provider(v_charge.class_id), v_charge.currency, p_run_id),
                v_charge.kind, v_charge.class_id, v_charge.class_subscription_id, v_charge.id, v_charge.description,
                v_charge.due_date, v_charge.amount);
        v_lines := v_lines + 1;
    end loop;
    return v_lines;
end
$$;
