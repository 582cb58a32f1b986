-- Records the business day (and member, invoice) of a ledger transaction billing made.
create or replace function dues.ledger_book(p_transaction_id bigint, p_booked_on date, p_member_id bigint, p_invoice_id bigint default null)
returns bigint
language plpgsql
set search_path = ''
as $$
begin
    insert into dues.ledger_booking (ledger_transaction_id, booked_on, member_id, invoice_id)
    values (p_transaction_id, p_booked_on, p_member_id, p_invoice_id);
    return p_transaction_id;
end
$$;
