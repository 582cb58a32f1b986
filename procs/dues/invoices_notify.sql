-- Queues the invoice_issued e-mail of each of several invoices, in the order given, to its member's billing recipient
-- (as dues.outbox_enqueue: DU080 when the template is missing); returns the outbox ids in that order.
create or replace function dues.invoices_notify(p_invoice_ids bigint[], p_at timestamptz)
returns bigint[]
language plpgsql
set search_path = ''
as $$
declare
    v_ids bigint[];
begin
    if coalesce(pg_catalog.cardinality(p_invoice_ids), 0) = 0 then
        return array[]::bigint[];
    end if;
    if not exists (select from dues.message_template t where t.name = 'invoice_issued' and t.kind = 'email') then
        raise exception 'no % template named %', 'email', 'invoice_issued'
            using errcode = 'DU080',
                  hint = 'insert it into dues.message_template';
    end if;
    with queued as (
        insert into dues.outbox (kind, template, recipient, data, due_at)
        select 'email', 'invoice_issued', dues.billing_recipient(m.id),
               pg_catalog.jsonb_build_object(
                   'name', m.name,
                   'member_id', m.id,
                   'invoice_id', i.id,
                   'number', i.number,
                   'provider', p.name,
                   'total', i.total,
                   'amount_due', i.total - dues.invoice_settled(i.id),
                   'currency', i.currency,
                   'issue_date', i.issue_date,
                   'due_date', i.due_date,
                   'lines', (select pg_catalog.string_agg(pg_catalog.format('%s  %s %s', l.description, l.amount, i.currency),
                                                          E'\n' order by l.id)
                               from dues.invoice_line l
                              where l.invoice_id = i.id and not l.void)),
               coalesce(p_at, pg_catalog.now())
          from pg_catalog.unnest(p_invoice_ids) with ordinality x(id, n)
          join dues.invoice i on i.id = x.id
          join dues.member m on m.id = i.member_id
          left join dues.member p on p.id = i.provider_id
         order by x.n
        returning id, (data ->> 'invoice_id')::bigint as invoice_id
    )
    select pg_catalog.array_agg(q.id order by x.n) into v_ids
      from pg_catalog.unnest(p_invoice_ids) with ordinality x(id, n)
      join queued q on q.invoice_id = x.id;
    return v_ids;
end
$$;
