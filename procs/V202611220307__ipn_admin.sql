-- api.ipn_list, api.ipn_get, api.ipn_reprocess: what admins see of payment notifications, and re-processing one.

-- A message as admins list it (without its body).
create type dues.ipn_summary as (
    id               bigint,
    received_at      timestamptz,
    state            text,
    txn_type         text,
    txn_id           text,
    payment_status   text,
    payer_email      text,
    member_id        bigint,
    payment_id       bigint,
    verify_attempts  int,
    verify_error     text,
    note             text,
    error            text,
    processed_at     timestamptz
);

create function dues.ipn_summary(p_message dues.ipn_message)
returns dues.ipn_summary
language sql
stable
set search_path = ''
as $$
    select p_message.id, p_message.received_at, p_message.state, p_message.txn_type, p_message.txn_id,
           p_message.payment_status, p_message.payer_email, p_message.member_id, p_message.payment_id,
           p_message.verify_attempts, p_message.verify_error, p_message.note, p_message.error, p_message.processed_at
$$;

create function api.ipn_list(state text default null, "limit" int default 100)
returns setof dues.ipn_summary
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    if ipn_list.state is not null and ipn_list.state not in
       ('received', 'unverified', 'invalid', 'rejected', 'unmatched', 'ambiguous', 'processed', 'failed') then
        raise exception 'state % is unknown', ipn_list.state
            using errcode = 'DU013',
                  hint = 'states: received, unverified, invalid, rejected, unmatched, ambiguous, processed, failed';
    end if;
    if ipn_list."limit" is null or ipn_list."limit" < 1 then
        raise exception 'limit must be a positive number, got %', coalesce(ipn_list."limit"::text, 'null')
            using errcode = 'DU013';
    end if;
    return query
        select (dues.ipn_summary(m)).*
          from dues.ipn_message m
         where ipn_list.state is null or m.state = ipn_list.state
         order by m.id desc
         limit ipn_list."limit";
end
$$;
comment on function api.ipn_list(text, int) is
$$Lists PayPal payment notifications, newest first, in one state when given: received (not verified yet), unverified (the
verification server did not answer; retried later), invalid (PayPal answered INVALID), rejected (receiver e-mail or currency not
ours), unmatched (no member has the payer's e-mail), ambiguous (several have it), processed, failed (processing raised: error).
note says why or what processing did. At most limit rows (100 by default). Staff only.
Errors: DU013 unknown state or limit not positive.$$;

-- A message in full, as an admin reads it.
create type dues.ipn_detail as (
    id              bigint,
    received_at     timestamptz,
    state           text,
    body            text,
    headers         jsonb,
    fields          jsonb,
    verification    text,
    verified_at     timestamptz,
    verify_attempts int,
    verify_error    text,
    member_id       bigint,
    payment_id      bigint,
    note            text,
    error           text,
    processed_at    timestamptz,
    history         jsonb
);

create function api.ipn_get(id bigint)
returns dues.ipn_detail
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_message dues.ipn_message;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('id', ipn_get.id is null);
    select m.* into v_message from dues.ipn_message m where m.id = ipn_get.id;
    if not found then
        raise exception 'payment notification % not found', ipn_get.id
            using errcode = 'DU100';
    end if;
    return (select (v_message.id, v_message.received_at, v_message.state,
               dues.charset_decode(v_message.body, 'UTF8'),
               v_message.headers, v_message.fields,
               v_message.verification, v_message.verified_at, v_message.verify_attempts, v_message.verify_error,
               v_message.member_id, v_message.payment_id, v_message.note, v_message.error, v_message.processed_at,
               coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'at', l.at, 'actor', l.actor, 'event', l.event, 'state', l.state, 'detail', l.detail)
                                 order by l.id)
                           from dues.ipn_log l where l.message_id = v_message.id), '[]'))::dues.ipn_detail);
end
$$;
comment on function api.ipn_get(bigint) is
$$One PayPal payment notification in full: the raw body as received (as text), the request headers, the decoded fields (once
processed), PayPal's verification answer, the member and payment it led to, its state with note or error, and its history
(every verification attempt and processing, oldest first). Staff only.
Errors: DU014 id is null, DU100 unknown notification.$$;

create function api.ipn_reprocess(id bigint)
returns dues.ipn_summary
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_message dues.ipn_message;
begin
    perform dues.authorize_staff();
    v_message := dues.ipn_lock(ipn_reprocess.id);
    if v_message.state not in ('unmatched', 'ambiguous', 'rejected', 'failed') then
        raise exception 'payment notification % is %: only unmatched, ambiguous, rejected or failed ones are processed again',
                        ipn_reprocess.id, v_message.state
            using errcode = 'DU101',
                  hint = case v_message.state
                             when 'processed' then 'it was processed already'
                             when 'invalid' then 'PayPal said it did not send it'
                             else 'it is waiting for PayPal''s verification' end;
    end if;
    perform dues.ipn_log_add(ipn_reprocess.id, 'reprocess', v_message.state, 'asked by ' || dues.actor());
    perform dues.ipn_process(ipn_reprocess.id);
    select m.* into v_message from dues.ipn_message m where m.id = ipn_reprocess.id;
    return dues.ipn_summary(v_message);
end
$$;
comment on function api.ipn_reprocess(bigint) is
$$Processes a verified PayPal payment notification again, after fixing what stopped it (a member's PayPal e-mail set, the
receiver or currency setting corrected, the error behind a failure fixed): only unmatched, ambiguous, rejected or failed ones.
Processing is idempotent on PayPal's transaction id: a payment is never registered twice. Returns the notification's summary
with its new state. Staff only. Errors: DU014 id is null, DU100 unknown notification, DU101 a state that cannot be processed again.$$;

grant execute on function
    api.ipn_list(text, int),
    api.ipn_get(bigint),
    api.ipn_reprocess(bigint)
to dues_staff;
