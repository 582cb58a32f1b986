-- Queues reminders of a member's open invoices: for each, the largest offset (setting reminder_days) its lateness has reached
-- and that was not sent yet; smaller offsets not sent yet are passed over (recorded without a message). Returns the reminders queued.
create or replace function dues.member_remind(p_member_id bigint, p_today date, p_at timestamptz)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_days    int[] := dues.reminder_days();
    v_invoice dues.invoice;
    v_offset  int;
    v_outbox  bigint;
    v_count   int := 0;
begin
    for v_invoice in
        select i.* from dues.invoice i
         where i.member_id = p_member_id and i.status = 'open' and i.due_date < p_today
         order by i.due_date, i.id
    loop
        select pg_catalog.max(d.days) into v_offset
          from pg_catalog.unnest(v_days) as d(days)
         where d.days <= p_today - v_invoice.due_date
           and not exists (select from dues.invoice_reminder r where r.invoice_id = v_invoice.id and r.offset_days >= d.days);
        continue when v_offset is null;
        insert into dues.invoice_reminder (invoice_id, offset_days, reminded_on)
        select v_invoice.id, d.days, p_today
          from pg_catalog.unnest(v_days) as d(days)
         where d.days < v_offset
           and not exists (select from dues.invoice_reminder r where r.invoice_id = v_invoice.id and r.offset_days = d.days);
        v_outbox := dues.outbox_enqueue('email', 'invoice_reminder', dues.billing_recipient(p_member_id),
            pg_catalog.jsonb_build_object(
                'name', (select m.name from dues.member m where m.id = p_member_id),
                'member_id', p_member_id,
                'invoice_id', v_invoice.id,
                'number', v_invoice.number,
                'provider', (select m.name from dues.member m where m.id = v_invoice.provider_id),
                'due_date', v_invoice.due_date,
                'days_late', p_today - v_invoice.due_date,
                'offset_days', v_offset,
                'total', v_invoice.total,
                'amount_due', v_invoice.total - dues.invoice_settled(v_invoice.id),
                'currency', v_invoice.currency),
            p_at);
        insert into dues.invoice_reminder (invoice_id, offset_days, reminded_on, outbox_id)
        values (v_invoice.id, v_offset, p_today, v_outbox);
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;
