-- Records a delivery. Only the worker holding the lease may record it; a row
-- recorded as sent is never claimed again.
create or replace function dues.outbox_sent(p_id bigint, p_worker text, p_now timestamptz)
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
