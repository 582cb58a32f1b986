-- PayPal IPN intake: a notification for our receiver is stored as received
-- and verified; anything else is stored once per sender and minute, never
-- verified (never posted on to PayPal), and removed after a while.

-- Whether decoded form fields name our receiver (receiver_email, else business:
-- the setting paypal_receiver_email, case-insensitive).
create function dues.ipn_for_us(p_fields jsonb)
returns boolean
language sql
stable
set search_path = ''
as $$
    select coalesce(pg_catalog.lower(pg_catalog.btrim(coalesce(nullif(p_fields ->> 'receiver_email', ''), p_fields ->> 'business')))
                    = pg_catalog.lower(dues.setting_text('paypal_receiver_email')), false)
$$;

-- What `POST /webhooks/paypal` stores: the message exactly as received, with
-- the address it came from; returns its id and state. A form for our
-- receiver is stored as received (to be verified), as dues.ipn_receive does. Anything else is
-- stored as rejected, never verified, unless the same sender's last such body
-- came less than a minute ago: then nothing is stored and no row is returned
-- (the caller asks the sender to retry later: nothing acknowledged is lost).
create function dues.ipn_intake(p_body bytea, p_headers jsonb, p_sender text)
returns table (id bigint, state text)
language plpgsql
set search_path = ''
as $$
declare
    v_body bytea := coalesce(p_body, ''::bytea);
    v_id   bigint;
begin
    if dues.ipn_for_us(dues.form_decode(v_body)) then
        insert into dues.ipn_message (body, headers, sender)
        values (v_body, coalesce(p_headers, '{}'::jsonb), p_sender)
        returning ipn_message.id into v_id;
        return query select v_id, 'received'::text;
        return;
    end if;
    -- one sender's bodies one after another, so that two at once are not both kept
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('dues.ipn_intake ' || coalesce(p_sender, '')));
    if exists (select from dues.ipn_message m
                where m.sender is not distinct from p_sender and m.state = 'rejected' and m.verification is null
                  and m.received_at > pg_catalog.clock_timestamp() - interval '1 minute') then
        return;
    end if;
    insert into dues.ipn_message (body, headers, sender, state, note)
    values (v_body, coalesce(p_headers, '{}'::jsonb), p_sender, 'rejected',
            pg_catalog.format('not a notification for receiver %s (setting paypal_receiver_email): not verified, no effect',
                              dues.setting_text('paypal_receiver_email')))
    returning ipn_message.id into v_id;
    perform dues.ipn_log_add(v_id, 'received', 'rejected', 'not a form for our receiver: never posted on for verification');
    return query select v_id, 'rejected'::text;
end
$$;

-- Trigger: the raw messages are never deleted, but for jobs.cleanup removing
-- a message that had no effect (invalid or rejected, no payment, no member).
create function dues.ipn_message_guard_delete()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if pg_catalog.current_setting('dues.ipn_purge', true) = 'on'
       and old.state in ('invalid', 'rejected') and old.payment_id is null and old.member_id is null then
        return old;
    end if;
    raise exception '% on %.% is refused: history is never deleted or rewritten', tg_op, tg_table_schema, tg_table_name
        using errcode = 'DU042',
              hint = 'record a status change or a reversing entry instead';
end
$$;

-- Trigger: a message's history goes only with a message jobs.cleanup may remove.
create function dues.ipn_log_guard_delete()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if pg_catalog.current_setting('dues.ipn_purge', true) = 'on'
       and exists (select from dues.ipn_message m
                    where m.id = old.message_id and m.state in ('invalid', 'rejected')
                      and m.payment_id is null and m.member_id is null) then
        return old;
    end if;
    raise exception '% on %.% is refused: history is never deleted or rewritten', tg_op, tg_table_schema, tg_table_name
        using errcode = 'DU042',
              hint = 'record a status change or a reversing entry instead';
end
$$;

-- Removes the messages that had no effect (invalid or rejected, no payment,
-- no member) received more than ipn_junk_retention_days (90) before p_now,
-- with their history; returns how many.
create function dues.ipn_purge(p_now timestamptz)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_ids bigint[];
begin
    perform dues.require_argument('now', p_now is null);
    select pg_catalog.array_agg(m.id) into v_ids
      from dues.ipn_message m
     where m.state in ('invalid', 'rejected') and m.payment_id is null and m.member_id is null
       and m.received_at < p_now - pg_catalog.make_interval(days => dues.setting_number('ipn_junk_retention_days', 90)::int);
    if v_ids is null then
        return 0;
    end if;
    perform pg_catalog.set_config('dues.ipn_purge', 'on', true);
    delete from dues.ipn_log l where l.message_id = any (v_ids);
    delete from dues.ipn_message m where m.id = any (v_ids);
    perform pg_catalog.set_config('dues.ipn_purge', '', true);
    return pg_catalog.cardinality(v_ids);
end
$$;

-- jobs.cleanup: forgets what is only kept for a while: answers to idempotent
-- requests (dues.idempotency_expire), devices' old nonces, and payment
-- notifications that had no effect (dues.ipn_purge).
-- Nonces older than access_nonce_retention_days (400; a device's request
-- replayed after that would be accepted again, so keep it longer than anyone
-- keeps a recording). Nothing money or membership history depends on.
-- Idempotent, safe concurrently.
create or replace function jobs.cleanup(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_idempotency int;
    v_nonces      int;
    v_ipn         int;
begin
    perform dues.require_argument('now', p_now is null);
    v_idempotency := dues.idempotency_expire(p_now);
    delete from dues.access_nonce n
     where n.used_at < p_now - pg_catalog.make_interval(days => dues.setting_number('access_nonce_retention_days', 400)::int);
    get diagnostics v_nonces = row_count;
    v_ipn := dues.ipn_purge(p_now);
    return pg_catalog.jsonb_build_object('now', p_now, 'idempotency_deleted', v_idempotency, 'nonces_deleted', v_nonces,
                                         'ipn_deleted', v_ipn);
end
$$;
