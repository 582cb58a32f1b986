-- Sends a dead message again: it is due now, with a fresh set of attempts.
create or replace function api.outbox_retry(outbox_id bigint, why text default null)
returns dues.outbox_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_row dues.outbox;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('outbox_id', outbox_retry.outbox_id is null);
    select o.* into v_row from dues.outbox o where o.id = outbox_retry.outbox_id for update;
    if not found then
        raise exception 'outbox message % not found', outbox_retry.outbox_id
            using errcode = 'DU30F';
    end if;
    if v_row.state <> 'dead' then
        raise exception 'outbox message % is %: only a dead message is retried', v_row.id, v_row.state
            using errcode = 'DU30G',
                  hint = 'a pending message is sent at due_at, a sent one is never sent again';
    end if;
    perform dues.audit_why(outbox_retry.why);
    update dues.outbox o
       set state = 'pending', attempts = 0, due_at = pg_catalog.now(), locked_until = null, locked_by = null
     where o.id = v_row.id
    returning o.* into v_row;
    perform dues.audit_why(null);
    return (v_row.id, v_row.kind, v_row.template, v_row.recipient, v_row.state, v_row.attempts, v_row.max_attempts, v_row.due_at,
            v_row.sent_at, v_row.last_error, v_row.created_at)::dues.outbox_view;
end
$$;

comment on function api.outbox_retry(bigint, text) is
$$Sends a dead message again (one whose every attempt failed, say while the mail server was down): it becomes pending, due now,
with its attempts counted from 0 again; last_error keeps the last failure until the next attempt. Recorded in the audit log (without
the message's data) with why. Returns the message as outbox_list shows it. Staff only.
Errors: DU014 outbox_id is null, DU30F unknown message, DU30G the message is not dead, 42501 not staff.$$;

grant execute on function api.outbox_retry(bigint, text) to dues_staff;
