-- What `POST /webhooks/paypal` stores: the message exactly as received, with
-- the address it came from; returns its id and state. A form for our
-- receiver is stored as received (to be verified), as dues.ipn_receive does. Anything else is
-- stored as rejected, never verified, unless the same sender's last such body
-- came less than a minute ago: then nothing is stored and no row is returned
-- (the caller asks the sender to retry later: nothing acknowledged is lost).
-- p_lease: the caller verifies a notification for us itself, right away: it is stored leased to the caller for
-- paypal_verify_lease_seconds (as dues.ipn_pending leases a claimed message), so that no worker verifies it meanwhile;
-- should the caller not record a verdict within the lease (it stopped), a worker takes it then.
create or replace function dues.ipn_intake(p_body bytea, p_headers jsonb, p_sender text, p_lease boolean default false)
returns table (id bigint, state text)
language plpgsql
set search_path = ''
as $$
declare
    v_body bytea := coalesce(p_body, ''::bytea);
    v_id   bigint;
begin
    if dues.ipn_for_us(dues.form_decode(v_body)) then
        insert into dues.ipn_message (body, headers, sender, verify_attempts, verify_due_at)
        values (v_body, coalesce(p_headers, '{}'::jsonb), p_sender,
                case when p_lease then 1 else 0 end,
                case when p_lease
                     then pg_catalog.now() + pg_catalog.make_interval(secs => dues.setting_number('paypal_verify_lease_seconds', 120))
                     else pg_catalog.now()
                end)
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
