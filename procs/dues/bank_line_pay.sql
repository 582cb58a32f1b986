-- Pays a bank line to a member: a payment of method bank_transfer whose external_ref is the line's reference (registered
-- once: api.register_payment), which settles the member's open invoices. p_state is matched or assigned.
create or replace function dues.bank_line_pay(p_line dues.bank_line, p_member_id bigint, p_state text, p_note text)
returns dues.bank_line
language plpgsql
set search_path = ''
as $$
declare
    v_payment dues.payment := api.register_payment(p_member_id, p_line.amount, p_line.currency, 'bank_transfer', p_line.reference);
    v_line    dues.bank_line;
begin
    update dues.bank_line l
       set state = p_state, member_id = p_member_id, payment_id = v_payment.id, note = p_note,
           assigned_at = case when p_state = 'assigned' then pg_catalog.now() end,
           assigned_by = case when p_state = 'assigned' then dues.actor() end
     where l.id = p_line.id
    returning l.* into v_line;
    return v_line;
end
$$;
