-- Issues a draft invoice on a day: takes the provider's next number for that year (gapless: the counter moves in this
-- transaction), dates it (due on its earliest line's due date, not before the issue day), posts it to the ledger
-- (the member's receivable owes each class's revenue, net of its discount lines) and opens it; an invoice its discounts
-- bring to 0 is issued paid, moving no money. The rules are those of dues.invoices_issue, which issues several at once.
create or replace function dues.invoice_issue(p_invoice_id bigint, p_on date)
returns dues.invoice
language plpgsql
set search_path = ''
as $$
declare
    v_invoice dues.invoice := dues.invoice_lock(p_invoice_id);
begin
    perform dues.invoices_issue(array[v_invoice.id], p_on);
    return dues.invoice_lock(v_invoice.id);
end
$$;
