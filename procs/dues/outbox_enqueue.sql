-- Queues one message; returns its id. Call it in the transaction of the change that causes it.
create or replace function dues.outbox_enqueue(
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
