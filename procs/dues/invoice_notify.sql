-- Queues the invoice_issued e-mail of an invoice to the member's billing recipient; returns the outbox id.
create or replace function dues.invoice_notify(p_invoice_id bigint, p_at timestamptz)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_invoice dues.invoice;
    v_member  dues.member;
    v_lines   text;
begin
    select i.* into strict v_invoice from dues.invoice i where i.id = p_invoice_id;
    select m.* into strict v_member from dues.member m where m.id = v_invoice.member_id;
    select pg_catalog.string_agg(pg_catalog.format('%s  %s %s', l.description, l.amount, v_invoice.currency), E'\n' order by l.id)
      into v_lines
      from dues.invoice_line l
     where l.invoice_id = v_invoice.id and not l.void;
    return dues.outbox_enqueue('email', 'invoice_issued', dues.billing_recipient(v_member.id),
        pg_catalog.jsonb_build_object(
            'name', v_member.name,
            'member_id', v_member.id,
            'invoice_id', v_invoice.id,
            'number', v_invoice.number,
            'provider', (select m.name from dues.member m where m.id = v_invoice.provider_id),
            'total', v_invoice.total,
            'amount_due', v_invoice.total - dues.invoice_settled(v_invoice.id),
            'currency', v_invoice.currency,
            'issue_date', v_invoice.issue_date,
            'due_date', v_invoice.due_date,
            'lines', v_lines),
        p_at);
end
$$;
