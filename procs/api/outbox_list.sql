-- Lists outgoing messages, newest first, by state (dead ones to retry, say).
create or replace function api.outbox_list(state text default null, "limit" int default 50, after bigint default null)
returns setof dues.outbox_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.list_check(outbox_list."limit", outbox_list.after);
    if outbox_list.state not in ('pending', 'sending', 'sent', 'dead') then
        raise exception 'state must be pending, sending, sent or dead, got %', outbox_list.state
            using errcode = 'DU019';
    end if;
    -- planned with the state asked for: the unsent ones come from their own index
    return query execute
        'select o.id, o.kind, o.template, o.recipient, o.state, o.attempts, o.max_attempts, o.due_at, o.sent_at, o.last_error,
                o.created_at
           from dues.outbox o
          where true'
        || case when outbox_list.state is not null then ' and o.state = $1' else '' end
        || case when outbox_list.after is not null then ' and o.id < $2' else '' end
        || ' order by o.id desc limit $3'
        using outbox_list.state, outbox_list.after, outbox_list."limit";
end
$$;

comment on function api.outbox_list(text, int, bigint) is
$$Lists the outgoing e-mails and webhooks, newest first, optionally in one state: pending (waiting for due_at), sending (a worker
holds it), sent, or dead (every attempt failed: retry it with outbox_retry). Each row: id, kind (email, webhook), template,
recipient, state, attempts, max_attempts, due_at, sent_at, last_error, created_at; never the message's data. A page of limit rows
(50 by default, at most 500); the next page is after the last id seen. Staff only.
Errors: DU019 unknown state, DU300 limit outside 1..500, DU301 after below 1, 42501 not staff.$$;

grant execute on function api.outbox_list(text, int, bigint) to dues_staff;
