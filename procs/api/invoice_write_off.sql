-- Closes what is left to pay on an open invoice as uncollectible (the provider's bad debt).
create or replace function api.invoice_write_off(invoice_id bigint, reason text default null)
returns dues.invoice
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_invoice dues.invoice;
    v_today   date := dues.local_date(pg_catalog.now());
    v_left    numeric;
    v_tx      bigint;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('invoice_id', invoice_write_off.invoice_id is null);
    perform dues.member_lock(dues.invoice_member(invoice_write_off.invoice_id))
       where dues.invoice_member(invoice_write_off.invoice_id) is not null;
    v_invoice := dues.invoice_lock(invoice_write_off.invoice_id);
    if v_invoice.status <> 'open' then
        raise exception 'invoice % is %, only an open invoice can be written off', v_invoice.id, v_invoice.status
            using errcode = 'DUB11';
    end if;
    v_left := v_invoice.total - dues.invoice_settled(v_invoice.id);
    v_tx := dues.ledger_transfer(dues.bad_debt_account(v_invoice.provider_id, v_invoice.currency),
                                 dues.receivable_account(v_invoice.member_id, v_invoice.currency), v_left, 'write_off',
                                 pg_catalog.format('invoice %s written off', v_invoice.number));
    perform dues.ledger_book(v_tx, v_today, v_invoice.member_id, v_invoice.id);
    insert into dues.settlement (invoice_id, kind, amount, settled_on, ledger_transaction_id)
    values (v_invoice.id, 'write_off', v_left, v_today, v_tx);
    perform dues.invoice_set_status(v_invoice.id, 'uncollectible', v_today, invoice_write_off.reason);
    return dues.invoice_lock(v_invoice.id);
end
$$;

comment on function api.invoice_write_off(bigint, text) is
$$Writes off what is left to pay on an open invoice: a ledger transaction moves it from the provider's bad debt account to the member's
receivable, so the member no longer owes it (and it no longer counts against the member's standing); the invoice becomes uncollectible.
What was paid on it stays paid. reason is recorded in its history. Staff only. Returns the invoice.
Errors: DU014 invoice_id is null, DUB01 unknown invoice, DUB11 the invoice is not open, 42501 not staff.$$;

grant execute on function api.invoice_write_off(bigint, text) to dues_staff;
