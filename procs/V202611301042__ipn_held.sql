-- Payment notifications a member's own change could resolve, and refunds from another payer, are held for staff:
-- dues.ipn_apply holds them (state held), api.ipn_list shows them, api.ipn_reprocess decides them with the member named.

-- What a verified message means, decided from its fields: receiver and
-- currency ours, the payer matched to one member (or the member staff named:
-- p_member_id), then by transaction type. A payer matched only through a
-- PayPal e-mail its member set itself after the message arrived, and a refund
-- whose payer did not make the payment, are held for staff. Raises when
-- something cannot be done (the caller records it as failed).
create or replace function dues.ipn_apply(p_message dues.ipn_message, p_member_id bigint default null)
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

    if p_member_id is not null then
        -- staff named the member (api.ipn_reprocess): no matching
        v_member := dues.member_get(p_member_id);
    else
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
        -- a member's own change of its PayPal e-mail never takes the messages that arrived before it
        if pg_catalog.lower(v_member.email) is distinct from pg_catalog.lower(pg_catalog.btrim(f ->> 'payer_email'))
           and v_member.paypal_email_confirmed_at > p_message.received_at then
            return ('held', pg_catalog.format('payer %s became the PayPal e-mail of member %s at %s, after this message arrived: '
                                              'staff decides (ipn_reprocess with member_id)',
                                              f ->> 'payer_email', v_member.id, v_member.paypal_email_confirmed_at),
                    v_member.id, null)::dues.ipn_outcome;
        end if;
    end if;

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
        -- only the payer of a payment can take it back
        if v_payment.member_id <> v_member.id then
            return ('held', pg_catalog.format('%s of payment %s: its payer %s is member %s, the payment was made by member %s: '
                                              'not applied; staff decides (ipn_reprocess with member_id)',
                                              v_status, v_payment.id, coalesce(f ->> 'payer_email', '(none)'), v_member.id,
                                              v_payment.member_id),
                    v_member.id, v_payment.id)::dues.ipn_outcome;
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

-- Processes a verified message (decodes it, then dues.ipn_apply) and records
-- the outcome; when processing raises, nothing of it stays and the message is
-- failed with the error. Returns the message's state. p_member_id: the member
-- staff named (api.ipn_reprocess), instead of matching the payer. Processing acts as the
-- system (staff) for the checks of the api functions it calls, also when a
-- member's request triggered it (dues.member_ipn_rematch); the caller is restored after.
create or replace function dues.ipn_process(p_id bigint, p_member_id bigint default null)
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
    -- who asked (a member whose e-mail change re-matched this message, a worker, staff): processing acts for the system
    v_staff   text := pg_catalog.current_setting('dues.staff', true);
    v_caller  text := pg_catalog.current_setting('dues.member_id', true);
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
    perform pg_catalog.set_config('dues.staff', 'true', true);
    perform pg_catalog.set_config('dues.member_id', '', true);
    begin
        v_outcome := dues.ipn_apply(v_message, p_member_id);
    exception when others then
        perform pg_catalog.set_config('dues.staff', coalesce(v_staff, ''), true);
        perform pg_catalog.set_config('dues.member_id', coalesce(v_caller, ''), true);
        get stacked diagnostics v_state = returned_sqlstate, v_message_text = message_text, v_detail = pg_exception_detail;
        v_outcome := ('failed', null, null, null)::dues.ipn_outcome;
        update dues.ipn_message m
           set state = 'failed', error = v_state || ': ' || v_message_text || coalesce(' (' || nullif(v_detail, '') || ')', ''),
               note = null, processed_at = pg_catalog.now()
         where m.id = p_id;
        perform dues.ipn_log_add(p_id, 'processed', 'failed', v_state || ': ' || v_message_text);
        return 'failed';
    end;
    perform pg_catalog.set_config('dues.staff', coalesce(v_staff, ''), true);
    perform pg_catalog.set_config('dues.member_id', coalesce(v_caller, ''), true);
    update dues.ipn_message m
       set state = v_outcome.state, note = v_outcome.note, error = null,
           member_id = coalesce(v_outcome.member_id, m.member_id), payment_id = coalesce(v_outcome.payment_id, m.payment_id),
           processed_at = pg_catalog.now()
     where m.id = p_id;
    perform dues.ipn_log_add(p_id, 'processed', v_outcome.state, v_outcome.note);
    return v_outcome.state;
end
$$;

create or replace function api.ipn_list(state text default null, "limit" int default 100)
returns setof dues.ipn_summary
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    if ipn_list.state is not null and ipn_list.state not in
       ('received', 'unverified', 'invalid', 'rejected', 'unmatched', 'ambiguous', 'held', 'processed', 'failed') then
        raise exception 'state % is unknown', ipn_list.state
            using errcode = 'DU013',
                  hint = 'states: received, unverified, invalid, rejected, unmatched, ambiguous, held, processed, failed';
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
ours), unmatched (no member has the payer's e-mail), ambiguous (several have it), held (waits for staff: its payer matched a member
only through a PayPal e-mail the member set itself after the message arrived, or it refunds a payment another payer made; decide with
ipn_reprocess and member_id), processed, failed (processing raised: error). note says why or what processing did; member_id the member
it led to (for a held one, the member it would go to). At most limit rows (100 by default). Staff only.
Errors: DU013 unknown state or limit not positive.$$;

create or replace function api.ipn_reprocess(id bigint, member_id bigint default null)
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
    if ipn_reprocess.member_id is not null then
        perform dues.member_get(ipn_reprocess.member_id);
    end if;
    if v_message.state not in ('unmatched', 'ambiguous', 'held', 'rejected', 'failed') then
        raise exception 'payment notification % is %: only unmatched, ambiguous, held, rejected or failed ones are processed again',
                        ipn_reprocess.id, v_message.state
            using errcode = 'DU101',
                  hint = case v_message.state
                             when 'processed' then 'it was processed already'
                             when 'invalid' then 'PayPal said it did not send it'
                             else 'it is waiting for PayPal''s verification' end;
    end if;
    perform dues.ipn_log_add(ipn_reprocess.id, 'reprocess', v_message.state,
                             'asked by ' || dues.actor() || coalesce(' for member ' || ipn_reprocess.member_id, ''));
    perform dues.ipn_process(ipn_reprocess.id, ipn_reprocess.member_id);
    select m.* into v_message from dues.ipn_message m where m.id = ipn_reprocess.id;
    return dues.ipn_summary(v_message);
end
$$;
comment on function api.ipn_reprocess(bigint, bigint) is
$$Processes a verified PayPal payment notification again, after fixing what stopped it (a member's PayPal e-mail set, the
receiver or currency setting corrected, the error behind a failure fixed): only unmatched, ambiguous, held, rejected or failed ones.
member_id names the member it is for, instead of matching its payer's e-mail: how staff decides a held message (one whose payer
became a member's PayPal e-mail only after it arrived, or a refund from another payer than the payment's; a refund is applied only
when member_id is the payment's member) or an ambiguous one. Processing is idempotent on PayPal's transaction id: a payment is never
registered twice. Returns the notification's summary with its new state. Staff only.
Errors: DU014 id is null, DU100 unknown notification, DU001 unknown member, DU101 a state that cannot be processed again.$$;

grant execute on function api.ipn_reprocess(bigint, bigint) to dues_staff;
