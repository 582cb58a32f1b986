-- Records a failed delivery: retried after an exponential backoff, dead after max_attempts.
create or replace function dues.outbox_failed(p_id bigint, p_worker text, p_error text, p_now timestamptz)
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
