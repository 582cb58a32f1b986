-- Claims up to p_limit due messages for a worker, with a lease; returns them rendered.
-- Rows are taken with SKIP LOCKED, so several workers never claim the same row.
create or replace function dues.outbox_claim(p_worker text, p_limit int, p_now timestamptz)
returns table (id bigint, kind text, recipient text, subject text, body_text text, body_html text,
               data jsonb, attempts int, mail_from text)
language plpgsql
set search_path = ''
as $$
declare
    v_lease interval := pg_catalog.make_interval(secs => coalesce(
        (select s.value::numeric from dues.setting s where s.name = 'outbox_lease_seconds'), 120));
begin
    return query
    with claimable as (
        select o.id
          from dues.outbox o
         where (o.state = 'pending' and o.due_at <= p_now)
            or (o.state = 'sending' and o.locked_until < p_now)
         order by o.due_at, o.id
         limit greatest(p_limit, 0)
           for update skip locked
    ), claimed as (
        update dues.outbox o
           set state = 'sending', attempts = o.attempts + 1, locked_until = p_now + v_lease, locked_by = p_worker
          from claimable c
         where o.id = c.id
        returning o.*
    )
    select c.id, c.kind, c.recipient,
           dues.template_fill(t.subject, c.data),
           dues.template_fill(t.body_text, c.data),
           case when t.body_html is null then null else dues.template_fill(t.body_html, c.data) end,
           c.data, c.attempts,
           coalesce((select s.value from dues.setting s where s.name = 'mail_from'), 'dues <dues@localhost>')
      from claimed c
      join dues.message_template t on t.name = c.template
     order by c.due_at, c.id;
end
$$;
