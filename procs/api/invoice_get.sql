-- One invoice with its lines, settlements and status history.
create or replace function api.invoice_get(
    invoice_id  bigint,
    out id          bigint,
    out number      text,
    out member_id   bigint,
    out provider_id bigint,
    out provider    text,
    out currency    char(3),
    out status      text,
    out issue_date  date,
    out due_date    date,
    out total       numeric(14,2),
    out settled     numeric(14,2),
    out amount_due  numeric(14,2),
    out lines       jsonb,
    out settlements jsonb,
    out history     jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_invoice dues.invoice := dues.invoice_authorized(invoice_get.invoice_id, 'use');
begin
    id := v_invoice.id;
    number := v_invoice.number;
    member_id := v_invoice.member_id;
    provider_id := v_invoice.provider_id;
    provider := (select m.name from dues.member m where m.id = v_invoice.provider_id);
    currency := v_invoice.currency;
    status := v_invoice.status;
    issue_date := v_invoice.issue_date;
    due_date := v_invoice.due_date;
    total := v_invoice.total;
    settled := dues.invoice_settled(v_invoice.id);
    amount_due := case when v_invoice.status = 'open' then v_invoice.total - settled else 0 end;
    lines := coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                  'id', l.id, 'kind', l.kind, 'description', l.description, 'class_id', l.class_id,
                                  'class_subscription_id', l.class_subscription_id, 'charge_id', l.charge_id,
                                  'period_start', l.period_start, 'period_end', l.period_end, 'due_date', l.due_date,
                                  'amount', l.amount, 'period_amount', l.period_amount, 'void', l.void,
                                  'credited', (select pc.amount from dues.proration_credit pc where pc.invoice_line_id = l.id),
                                  'pause_credited', (select pg_catalog.sum(pc.amount) from dues.pause_credit pc
                                                      where pc.invoice_line_id = l.id))
                              order by l.id)
                         from dues.invoice_line l where l.invoice_id = v_invoice.id), '[]');
    settlements := coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                        'kind', s.kind, 'amount', s.amount, 'settled_on', s.settled_on,
                                        'ledger_transaction_id', s.ledger_transaction_id)
                                    order by s.id)
                               from dues.settlement s where s.invoice_id = v_invoice.id), '[]');
    history := coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'from', h.from_status, 'to', h.to_status, 'on', h.changed_on, 'reason', h.reason,
                                    'at', h.created_at, 'by', h.created_by)
                                order by h.id)
                           from dues.invoice_status_change h where h.invoice_id = v_invoice.id), '[]');
end
$$;

comment on function api.invoice_get(bigint) is
$$One invoice: id, number (per provider and year, e.g. "2027-000012"), member_id, provider (id and name), currency, status (draft, open,
paid, void, uncollectible), issue_date, due_date, total, settled (credit applied minus given back, plus written off), amount_due (what is
left to pay on an open invoice), lines (kind period/setup_fee/charge, description, the days a period line covers, amount, the whole period's
amount, void, the proration credit given for it (credited) and the pause credits (pause_credited)), settlements and the status history (from, to, business day, reason, who, when).
Errors: DU014 invoice_id is null, DUB01 unknown invoice, 42501 not allowed (members see their own invoices and their organizations').$$;

grant execute on function api.invoice_get(bigint) to dues_member, dues_staff;
