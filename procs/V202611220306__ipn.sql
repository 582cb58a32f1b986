-- PayPal IPN: receiving, claiming for verification, recording PayPal's answer,
-- and processing a verified message (matching the payer, then by type).

-- What processing decided about a message.
create type dues.ipn_outcome as (
    state      text,
    note       text,
    member_id  bigint,
    payment_id bigint
);

-- Stores a message exactly as received and returns its id. Nothing else: it
-- must never fail, so that the message is committed before PayPal gets its 200.
create function dues.ipn_receive(p_body bytea, p_headers jsonb)
returns bigint
language sql
set search_path = ''
as $$
    insert into dues.ipn_message (body, headers)
    values (coalesce(p_body, ''::bytea), coalesce(p_headers, '{}'::jsonb))
    returning id
$$;

-- A numeric setting, or the default when it is missing or not a number.
create function dues.setting_number(p_name text, p_default numeric)
returns numeric
language sql
stable
set search_path = ''
as $$
    select coalesce((select s.value::numeric from dues.setting s
                      where s.name = p_name and s.value ~ '^\s*[0-9]+(\.[0-9]+)?\s*$'), p_default)
$$;

-- A text setting, or '' when it is missing.
create function dues.setting_text(p_name text)
returns text
language sql
stable
set search_path = ''
as $$
    select coalesce((select pg_catalog.btrim(s.value) from dues.setting s where s.name = p_name), '')
$$;

-- Appends a step to a message's history.
create function dues.ipn_log_add(p_message_id bigint, p_event text, p_state text, p_detail text)
returns void
language sql
set search_path = ''
as $$
    insert into dues.ipn_log (message_id, event, state, detail) values (p_message_id, p_event, p_state, p_detail)
$$;

-- Claims up to p_limit messages that need verifying (received, or whose last
-- verification failed and whose retry is due), with SKIP LOCKED, and leases
-- them for paypal_verify_lease_seconds so that another worker does not verify them meanwhile.
create function dues.ipn_pending(p_now timestamptz, p_limit int)
returns table (id bigint, body bytea)
language plpgsql
set search_path = ''
as $$
declare
    v_lease interval := pg_catalog.make_interval(secs => dues.setting_number('paypal_verify_lease_seconds', 120));
begin
    return query
    with claimable as (
        select m.id
          from dues.ipn_message m
         where m.state in ('received', 'unverified') and m.verify_due_at <= p_now
         order by m.verify_due_at, m.id
         limit greatest(coalesce(p_limit, 0), 0)
           for update skip locked
    ), claimed as (
        update dues.ipn_message m
           set verify_due_at = p_now + v_lease, verify_attempts = m.verify_attempts + 1
          from claimable c
         where m.id = c.id
        returning m.id, m.body
    )
    select c.id, c.body from claimed c order by c.id;
end
$$;

-- The message with this id, locked; DU100 when there is none.
create function dues.ipn_lock(p_id bigint)
returns dues.ipn_message
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.ipn_message;
begin
    perform dues.require_argument('id', p_id is null);
    select m.* into v_message from dues.ipn_message m where m.id = p_id for update;
    if not found then
        raise exception 'payment notification % not found', p_id
            using errcode = 'DU100';
    end if;
    return v_message;
end
$$;

-- Records that the verification server did not answer: the message is retried
-- after an exponential backoff (paypal_verify_backoff_seconds, doubling, at
-- most paypal_verify_backoff_max_seconds). It is never given up.
create function dues.ipn_verification_failed(p_id bigint, p_error text, p_now timestamptz)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.ipn_message := dues.ipn_lock(p_id);
    v_wait    numeric;
begin
    if v_message.state not in ('received', 'unverified') then
        -- another worker verified it meanwhile: its answer stands
        perform dues.ipn_log_add(p_id, 'verification_failed', v_message.state, 'ignored, already verified: ' || coalesce(p_error, ''));
        return;
    end if;
    v_wait := least(dues.setting_number('paypal_verify_backoff_seconds', 60) * 2 ^ least(greatest(v_message.verify_attempts - 1, 0), 30),
                    dues.setting_number('paypal_verify_backoff_max_seconds', 21600));
    update dues.ipn_message m
       set state = 'unverified',
           verify_error = pg_catalog.left(coalesce(p_error, 'no answer'), 2000),
           verify_due_at = coalesce(p_now, pg_catalog.now()) + pg_catalog.make_interval(secs => v_wait)
     where m.id = p_id;
    perform dues.ipn_log_add(p_id, 'verification_failed', 'unverified',
                             pg_catalog.format('attempt %s: %s; next try in %s s', v_message.verify_attempts, p_error, v_wait));
end
$$;

-- Records PayPal's answer (VERIFIED or INVALID) and processes a VERIFIED
-- message; returns the message's state. An answer for a message already
-- verified changes nothing. Any other answer counts as a failed verification.
create function dues.ipn_verified(p_id bigint, p_result text)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.ipn_message := dues.ipn_lock(p_id);
    v_result  text := pg_catalog.btrim(p_result);
begin
    if v_message.verification is not null then
        return v_message.state;
    end if;
    if v_result = 'INVALID' then
        update dues.ipn_message m
           set state = 'invalid', verification = 'INVALID', verified_at = pg_catalog.now(), verify_error = null
         where m.id = p_id;
        perform dues.ipn_log_add(p_id, 'verified', 'invalid', 'PayPal answered INVALID: the message has no effect');
        return 'invalid';
    end if;
    if v_result is distinct from 'VERIFIED' then
        perform dues.ipn_verification_failed(p_id, 'unexpected answer: ' || coalesce(pg_catalog.left(p_result, 100), 'null'),
                                             pg_catalog.now());
        return 'unverified';
    end if;
    update dues.ipn_message m
       set verification = 'VERIFIED', verified_at = pg_catalog.now(), verify_error = null
     where m.id = p_id;
    perform dues.ipn_log_add(p_id, 'verified', v_message.state, 'PayPal answered VERIFIED');
    return dues.ipn_process(p_id);
end
$$;

-- The one member a payer's e-mail names: members' e-mail first, then their
-- PayPal e-mail. candidates lists the members when several match (never guessed).
create function dues.ipn_match(p_payer_email text, out member_id bigint, out candidates bigint[])
language plpgsql
stable
set search_path = ''
as $$
declare
    v_email text := pg_catalog.lower(pg_catalog.btrim(p_payer_email));
begin
    candidates := '{}';
    if coalesce(v_email, '') = '' then
        return;
    end if;
    select pg_catalog.array_agg(m.id order by m.id) into candidates from dues.member m where pg_catalog.lower(m.email) = v_email;
    if coalesce(pg_catalog.cardinality(candidates), 0) = 0 then
        select pg_catalog.array_agg(m.id order by m.id) into candidates
          from dues.member m
         where pg_catalog.lower(m.paypal_email) = v_email;
    end if;
    candidates := coalesce(candidates, '{}');
    if pg_catalog.cardinality(candidates) = 1 then
        member_id := candidates[1];
    end if;
end
$$;

-- Queues a notice to every board recipient (dues.board_recipients); returns how many.
create function dues.board_notify(p_subject text, p_text text, p_member dues.member, p_on date)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_recipient text;
    v_count     int := 0;
begin
    for v_recipient in select r from dues.board_recipients(p_on) r loop
        perform dues.outbox_enqueue('email', 'board_notice', v_recipient,
            pg_catalog.jsonb_build_object('subject', p_subject, 'text', p_text,
                                          'name', p_member.name, 'email', p_member.email, 'member_id', p_member.id));
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;

-- A string made safe to put between double quotes in JSON (a webhook body template).
create function dues.json_inner(p_text text)
returns text
language sql
immutable
set search_path = ''
as $$
    select pg_catalog.substr(v, 2, pg_catalog.length(v) - 2) from (select pg_catalog.to_json(coalesce(p_text, ''))::text) j(v)
$$;

-- First payment: a member waiting in pending_payments moves to members (its
-- linked members with it), its membership starts, and a welcome e-mail and a
-- chat invitation (setting chat_webhook_url) are queued. Returns whether it was a first payment.
create function dues.membership_first_payment(p_member dues.member, p_on date)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
    v_pending bigint := (dues.group_by_key('pending_payments')).id;
    v_url     text := dues.setting_text('chat_webhook_url');
begin
    if not dues.member_in_group(p_member.id, v_pending, p_on) then
        return false;
    end if;
    perform dues.audit_why('first payment');
    perform dues.group_leave(p_member.id, v_pending, p_on);
    perform dues.group_join(p_member.id, (dues.group_by_key('members')).id, p_on);
    perform dues.membership_ensure(p_member.id, p_on);
    update dues.membership ms
       set start_date = coalesce(ms.start_date, p_on), end_date = null
     where ms.member_id = p_member.id;
    perform dues.audit_why(null);
    perform dues.outbox_enqueue('email', 'welcome', p_member.email,
                                pg_catalog.jsonb_build_object('name', p_member.name, 'email', p_member.email, 'member_id', p_member.id));
    if v_url <> '' then
        perform dues.outbox_enqueue('webhook', 'chat_invite', v_url,
                                    pg_catalog.jsonb_build_object('name', dues.json_inner(p_member.name),
                                                                  'email', dues.json_inner(p_member.email),
                                                                  'member_id', p_member.id));
    end if;
    return true;
end
$$;

-- Gives back (part of) a PayPal payment that PayPal refunded or reversed: a
-- refund row and a reversing ledger transaction from the member's credit to
-- the processor, once per refund transaction id.
create function dues.ipn_refund(p_payment dues.payment, p_amount numeric, p_ref text, p_reason text, p_on date)
returns dues.refund
language plpgsql
set search_path = ''
as $$
declare
    v_refund dues.refund;
    v_left   numeric;
begin
    -- the member's billing lock, then the ledger's (the order every billing change takes them in)
    perform from dues.member m where m.id = p_payment.member_id for no key update;
    select r.* into v_refund from dues.refund r where r.payment_id = p_payment.id and r.external_ref = p_ref;
    if found then
        return v_refund;
    end if;
    v_left := p_payment.amount - coalesce((select pg_catalog.sum(r.amount) from dues.refund r where r.payment_id = p_payment.id), 0);
    if p_amount > v_left then
        raise exception 'refund of % % exceeds what is left of payment % (% %)', p_amount, p_payment.currency, p_payment.id, v_left, p_payment.currency
            using errcode = 'DUB13';
    end if;
    insert into dues.refund as r (payment_id, amount, external_ref, reason, refunded_on, ledger_transaction_id)
    values (p_payment.id, p_amount, p_ref, p_reason, p_on,
            dues.ledger_transfer(dues.member_account(p_payment.member_id, p_payment.currency),
                                 dues.processor_account(p_payment.method, p_payment.currency),
                                 p_amount, 'refund',
                                 pg_catalog.format('refund %s of payment %s (%s)', p_ref, p_payment.id, p_reason)))
    returning r.* into v_refund;
    return v_refund;
end
$$;

-- What a verified message means, decided from its fields: receiver and
-- currency ours, the payer matched to one member, then by transaction type.
-- Raises when something cannot be done (the caller records it as failed).
create function dues.ipn_apply(p_message dues.ipn_message)
returns dues.ipn_outcome
language plpgsql
set search_path = ''
as $$
declare
    f          jsonb := p_message.fields;
    v_on       date := dues.local_date(pg_catalog.now());
    v_receiver text := pg_catalog.lower(pg_catalog.btrim(coalesce(nullif(f ->> 'receiver_email', ''), f ->> 'business')));
    v_currency text := pg_catalog.upper(pg_catalog.btrim(f ->> 'mc_currency'));
    v_type     text := nullif(f ->> 'txn_type', '');
    v_status   text := nullif(f ->> 'payment_status', '');
    v_match    record;
    v_member   dues.member;
    v_payment  dues.payment;
    v_refund   dues.refund;
    v_amount   numeric;
    v_first    boolean;
    v_count    int;
begin
    if v_receiver is distinct from pg_catalog.lower(dues.setting_text('paypal_receiver_email')) then
        return ('rejected', pg_catalog.format('receiver %s is not ours (setting paypal_receiver_email is %s): no effect',
                                              coalesce(v_receiver, 'missing'), dues.setting_text('paypal_receiver_email')),
                null, null)::dues.ipn_outcome;
    end if;
    if v_currency is not null and v_currency <> pg_catalog.upper(dues.setting_text('paypal_currency')) then
        return ('rejected', pg_catalog.format('currency %s is not ours (setting paypal_currency is %s): no effect',
                                              v_currency, dues.setting_text('paypal_currency')),
                null, null)::dues.ipn_outcome;
    end if;

    select * into v_match from dues.ipn_match(f ->> 'payer_email');
    if pg_catalog.cardinality(v_match.candidates) > 1 then
        return ('ambiguous', pg_catalog.format('payer %s is the PayPal e-mail of members %s: not guessed; set one member''s paypal_email',
                                               f ->> 'payer_email', pg_catalog.array_to_string(v_match.candidates, ', ')),
                null, null)::dues.ipn_outcome;
    end if;
    if v_match.member_id is null then
        return ('unmatched', pg_catalog.format('no member has the e-mail or PayPal e-mail %s', coalesce(f ->> 'payer_email', '(none)')),
                null, null)::dues.ipn_outcome;
    end if;
    v_member := dues.member_get(v_match.member_id);

    -- refunds and reversals name the payment they take back, whatever their txn_type
    if v_status in ('Refunded', 'Reversed') then
        if coalesce(f ->> 'parent_txn_id', '') = '' or coalesce(f ->> 'txn_id', '') = '' then
            raise exception '% message without parent_txn_id or txn_id', v_status using errcode = 'DU013';
        end if;
        select p.* into v_payment from dues.payment p where p.method = 'paypal' and p.external_ref = f ->> 'parent_txn_id';
        if not found then
            return ('unmatched', pg_catalog.format('%s payment %s is not registered (yet): matched again later',
                                                   v_status, f ->> 'parent_txn_id'),
                    v_member.id, null)::dues.ipn_outcome;
        end if;
        v_amount := pg_catalog.abs(dues.ipn_amount(f ->> 'mc_gross'));
        v_refund := dues.ipn_refund(v_payment, v_amount, f ->> 'txn_id', pg_catalog.lower(v_status), v_on);
        perform dues.membership_apply(coalesce(dues.member_master(v_payment.member_id), v_payment.member_id), pg_catalog.now());
        return ('processed', pg_catalog.format('%s: %s %s of payment %s given back (refund %s)',
                                               v_status, v_refund.amount, v_payment.currency, v_payment.id, v_refund.id),
                v_member.id, v_payment.id)::dues.ipn_outcome;
    end if;

    case
        when v_type in ('subscr_signup', 'subscr_modify') then
            return ('processed', v_type || ': recorded, no effect', v_member.id, null)::dues.ipn_outcome;

        when v_type = 'subscr_cancel' then
            perform dues.outbox_enqueue('email', 'subscr_cancel_confirm', v_member.email,
                pg_catalog.jsonb_build_object('name', v_member.name, 'email', v_member.email, 'member_id', v_member.id,
                                              'subscr_id', f ->> 'subscr_id'));
            v_count := dues.board_notify('subscription cancelled',
                                         pg_catalog.format('%s cancelled the PayPal subscription %s. Access stays until the paid time runs out.',
                                                           v_member.name, f ->> 'subscr_id'),
                                         v_member, v_on);
            return ('processed', pg_catalog.format('subscr_cancel: "are you sure?" mail queued, %s board notice(s); access unchanged', v_count),
                    v_member.id, null)::dues.ipn_outcome;

        when v_type = 'subscr_failed' then
            perform dues.outbox_enqueue('email', 'payment_failed', v_member.email,
                pg_catalog.jsonb_build_object('name', v_member.name, 'email', v_member.email, 'member_id', v_member.id,
                                              'subscr_id', f ->> 'subscr_id'));
            v_count := dues.board_notify('subscription payment failed',
                                         pg_catalog.format('PayPal could not collect the payment of %s (subscription %s).',
                                                           v_member.name, f ->> 'subscr_id'),
                                         v_member, v_on);
            return ('processed', pg_catalog.format('subscr_failed: mail to the member and %s board notice(s) queued', v_count),
                    v_member.id, null)::dues.ipn_outcome;

        when v_type in ('subscr_payment', 'web_accept') then
            if v_status is distinct from 'Completed' then
                return ('processed', pg_catalog.format('%s with payment_status %s: recorded, no payment', v_type, coalesce(v_status, 'missing')),
                        v_member.id, null)::dues.ipn_outcome;
            end if;
            if coalesce(f ->> 'txn_id', '') = '' then
                raise exception '% message without txn_id', v_type using errcode = 'DU013';
            end if;
            v_amount := dues.ipn_amount(f ->> 'mc_gross');
            -- one registration per PayPal transaction at a time (the lock api.register_payment takes)
            perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.payment paypal ' || (f ->> 'txn_id'), 0));
            select p.* into v_payment from dues.payment p where p.method = 'paypal' and p.external_ref = f ->> 'txn_id';
            if found and v_payment.member_id = v_member.id then
                return ('processed', pg_catalog.format('payment %s already registered for txn_id %s: nothing more', v_payment.id, f ->> 'txn_id'),
                        v_member.id, v_payment.id)::dues.ipn_outcome;
            end if;
            v_payment := api.register_payment(v_member.id, v_amount, coalesce(v_currency, pg_catalog.upper(dues.setting_text('paypal_currency'))),
                                               'paypal', f ->> 'txn_id');
            if v_type = 'subscr_payment' then
                perform dues.membership_ensure(v_member.id, v_on);
                update dues.membership ms set start_date = v_on where ms.member_id = v_member.id and ms.start_date is null;
            end if;
            v_first := dues.membership_first_payment(v_member, v_on);
            perform dues.membership_apply(coalesce(dues.member_master(v_member.id), v_member.id), pg_catalog.now());
            return ('processed', pg_catalog.format('payment %s of %s %s registered%s', v_payment.id, v_payment.amount, v_payment.currency,
                                                   case when v_first then '; first payment: moved to members, welcome queued' else '' end),
                    v_member.id, v_payment.id)::dues.ipn_outcome;

        when v_type = 'subscr_eot' then
            if not exists (select from dues.membership ms where ms.member_id = v_member.id) then
                return ('processed', 'subscr_eot: the member has no membership, nothing to end', v_member.id, null)::dues.ipn_outcome;
            end if;
            perform dues.audit_why('PayPal subscription ended (subscr_eot)');
            update dues.membership ms set end_date = v_on where ms.member_id = v_member.id and ms.end_date is null;
            perform dues.audit_why(null);
            perform dues.membership_apply(v_member.id, pg_catalog.now());
            return ('processed', pg_catalog.format('subscr_eot: membership ended on %s', v_on), v_member.id, null)::dues.ipn_outcome;

        else
            return ('processed', pg_catalog.format('txn_type %s (payment_status %s) is not handled: recorded, no effect',
                                                   coalesce(v_type, 'missing'), coalesce(v_status, 'missing')),
                    v_member.id, null)::dues.ipn_outcome;
    end case;
end
$$;

-- An amount PayPal sent (mc_gross: "25.00", "-25.00"); DU013 when it is not one.
create function dues.ipn_amount(p_text text)
returns numeric
language plpgsql
immutable
set search_path = ''
as $$
begin
    if p_text is null or p_text !~ '^\s*-?[0-9]{1,12}(\.[0-9]{1,2})?\s*$' then
        raise exception 'mc_gross % is not an amount', coalesce(p_text, 'null') using errcode = 'DU013';
    end if;
    return p_text::numeric;
end
$$;

-- Processes a verified message (decodes it, then dues.ipn_apply) and records
-- the outcome; when processing raises, nothing of it stays and the message is
-- failed with the error. Returns the message's state.
create function dues.ipn_process(p_id bigint)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.ipn_message := dues.ipn_lock(p_id);
    v_fields  jsonb := dues.form_decode(v_message.body);
    v_outcome dues.ipn_outcome;
    v_state   text;
    v_message_text text;
    v_detail  text;
begin
    if v_message.verification is distinct from 'VERIFIED' then
        raise exception 'payment notification % is not verified (state %)', p_id, v_message.state
            using errcode = 'DU101';
    end if;
    update dues.ipn_message m
       set fields = v_fields,
           txn_type = v_fields ->> 'txn_type',
           txn_id = v_fields ->> 'txn_id',
           parent_txn_id = v_fields ->> 'parent_txn_id',
           payment_status = v_fields ->> 'payment_status',
           payer_email = v_fields ->> 'payer_email',
           subscr_id = v_fields ->> 'subscr_id',
           process_attempts = m.process_attempts + 1
     where m.id = p_id
    returning m.* into v_message;
    begin
        v_outcome := dues.ipn_apply(v_message);
    exception when others then
        get stacked diagnostics v_state = returned_sqlstate, v_message_text = message_text, v_detail = pg_exception_detail;
        v_outcome := ('failed', null, null, null)::dues.ipn_outcome;
        update dues.ipn_message m
           set state = 'failed', error = v_state || ': ' || v_message_text || coalesce(' (' || nullif(v_detail, '') || ')', ''),
               note = null, processed_at = pg_catalog.now()
         where m.id = p_id;
        perform dues.ipn_log_add(p_id, 'processed', 'failed', v_state || ': ' || v_message_text);
        return 'failed';
    end;
    update dues.ipn_message m
       set state = v_outcome.state, note = v_outcome.note, error = null,
           member_id = coalesce(v_outcome.member_id, m.member_id), payment_id = coalesce(v_outcome.payment_id, m.payment_id),
           processed_at = pg_catalog.now()
     where m.id = p_id;
    perform dues.ipn_log_add(p_id, 'processed', v_outcome.state, v_outcome.note);
    return v_outcome.state;
end
$$;

-- Processes again the messages left unmatched or ambiguous whose payer has one
-- of these e-mail addresses (any, when null), skipping those another
-- transaction is processing. Returns how many became something else.
create function dues.ipn_rematch(p_emails text[])
returns table (examined int, resolved int)
language plpgsql
set search_path = ''
as $$
declare
    v_id bigint;
begin
    examined := 0;
    resolved := 0;
    for v_id in
        select m.id
          from dues.ipn_message m
         where m.state in ('unmatched', 'ambiguous')
           and (p_emails is null or pg_catalog.lower(m.payer_email) = any (p_emails))
         order by m.id
           for update skip locked
    loop
        examined := examined + 1;
        if dues.ipn_process(v_id) not in ('unmatched', 'ambiguous') then
            resolved := resolved + 1;
        end if;
    end loop;
    return next;
end
$$;

-- Trigger: a member's e-mail or PayPal e-mail was set or changed: messages
-- waiting for a payer with the old or new address are matched again at once.
create function dues.member_ipn_rematch()
returns trigger
language plpgsql
security definer  -- the caller's role cannot process payment notifications itself
set search_path = ''
as $$
declare
    v_emails text[];
begin
    select pg_catalog.array_agg(distinct pg_catalog.lower(e)) into v_emails
      from pg_catalog.unnest(array[new.email, new.paypal_email,
                                   case when tg_op = 'UPDATE' then old.email end,
                                   case when tg_op = 'UPDATE' then old.paypal_email end]) e
     where e is not null;
    if exists (select from dues.ipn_message m
                where m.state in ('unmatched', 'ambiguous') and pg_catalog.lower(m.payer_email) = any (v_emails)) then
        perform dues.ipn_rematch(v_emails);
    end if;
    return null;
end
$$;

create trigger member_ipn_rematch
    after insert or update of email, paypal_email on dues.member
    for each row execute function dues.member_ipn_rematch();

-- Matches again every message left unmatched or ambiguous (a payer who became
-- a member, a refund whose payment arrived since). Safe to run concurrently.
create function jobs.ipn_rematch(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_result record;
begin
    select * into v_result from dues.ipn_rematch(null);
    return pg_catalog.jsonb_build_object('now', p_now, 'examined', v_result.examined, 'resolved', v_result.resolved);
end
$$;
