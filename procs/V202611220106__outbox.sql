-- Queueing, rendering and the delivery protocol of the outbox.

-- Queues one message; returns its id. Call it in the transaction of the change that causes it.
create function dues.outbox_enqueue(
    p_kind      text,
    p_template  text,
    p_recipient text,
    p_data      jsonb default '{}',
    p_due_at    timestamptz default now()
)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_id bigint;
begin
    if not exists (select from dues.message_template t where t.name = p_template and t.kind = p_kind) then
        raise exception 'no % template named %', p_kind, p_template
            using errcode = 'DU080',
                  hint = 'insert it into dues.message_template';
    end if;
    insert into dues.outbox (kind, template, recipient, data, due_at)
    values (p_kind, p_template, p_recipient, coalesce(p_data, '{}'), coalesce(p_due_at, pg_catalog.now()))
    returning id into v_id;
    return v_id;
end
$$;

-- Fills {{key}} placeholders from data; a missing key becomes empty text.
create function dues.template_fill(p_text text, p_data jsonb)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_out text := coalesce(p_text, '');
    v_key text;
begin
    for v_key in select distinct m[1] from pg_catalog.regexp_matches(v_out, '\{\{\s*([a-zA-Z0-9_]+)\s*\}\}', 'g') m loop
        v_out := pg_catalog.regexp_replace(v_out, '\{\{\s*' || v_key || '\s*\}\}',
                                           pg_catalog.replace(coalesce(p_data ->> v_key, ''), '\', '\\'), 'g');
    end loop;
    return v_out;
end
$$;

-- Claims up to p_limit due messages for a worker, with a lease; returns them rendered.
-- Rows are taken with SKIP LOCKED, so several workers never claim the same row.
create function dues.outbox_claim(p_worker text, p_limit int, p_now timestamptz)
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

-- Records a delivery. Only the worker holding the lease may record it; a row
-- recorded as sent is never claimed again.
create function dues.outbox_sent(p_id bigint, p_worker text, p_now timestamptz)
returns void
language plpgsql
set search_path = ''
as $$
begin
    update dues.outbox o
       set state = 'sent', sent_at = p_now, locked_until = null, last_error = null
     where o.id = p_id and o.state = 'sending' and o.locked_by = p_worker;
    if not found then
        raise exception 'outbox row % is not being sent by %', p_id, p_worker using errcode = 'DU081';
    end if;
end
$$;

-- Records a failed delivery: retried after an exponential backoff, dead after max_attempts.
create function dues.outbox_failed(p_id bigint, p_worker text, p_error text, p_now timestamptz)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_row     dues.outbox;
    v_backoff numeric := coalesce(
        (select s.value::numeric from dues.setting s where s.name = 'outbox_backoff_seconds'), 30);
begin
    select * into v_row from dues.outbox o where o.id = p_id and o.state = 'sending' and o.locked_by = p_worker for update;
    if not found then
        raise exception 'outbox row % is not being sent by %', p_id, p_worker using errcode = 'DU081';
    end if;
    update dues.outbox o
       set state = case when v_row.attempts >= v_row.max_attempts then 'dead' else 'pending' end,
           due_at = p_now + pg_catalog.make_interval(secs => v_backoff * 2 ^ (v_row.attempts - 1)),
           locked_until = null,
           last_error = pg_catalog.left(p_error, 2000)
     where o.id = p_id
    returning o.state into v_row.state;
    return v_row.state;
end
$$;
