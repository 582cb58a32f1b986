-- What a verified message means, decided from its fields: receiver and
-- currency ours, the payer matched to one member (or the member staff named:
-- p_member_id), then by transaction type. A payer matched only through an
-- e-mail or PayPal e-mail its member set itself after the message arrived, and a refund
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
        -- nor does a member's own change of its e-mail (api.member_update)
        if pg_catalog.lower(v_member.email) = pg_catalog.lower(pg_catalog.btrim(f ->> 'payer_email'))
           and v_member.email_changed_by_member_at > p_message.received_at then
            return ('held', pg_catalog.format('payer %s became the e-mail of member %s at %s, after this message arrived: '
                                              'staff decides (ipn_reprocess with member_id)',
                                              f ->> 'payer_email', v_member.id, v_member.email_changed_by_member_at),
                    v_member.id, null)::dues.ipn_outcome;
        end if;
    end if;

    -- refunds and reversals name the payment they take back, whatever their txn_type
    if v_status in ('Refunded', 'Reversed') then
        if coalesce(f ->> 'parent_txn_id', '') = '' or coalesce(f ->> 'txn_id', '') = '' then
            raise exception '% message without parent_txn_id or txn_id', v_status using errcode = 'DU102';
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
        perform dues.membership_status_update(coalesce(dues.member_master(v_payment.member_id), v_payment.member_id), pg_catalog.now());
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
                                              'subscr_id', f ->> 'subscr_id', 'processor', 'PayPal'));
            v_count := dues.board_notify('subscription cancelled',
                                         pg_catalog.format('%s cancelled the PayPal subscription %s. Access stays until the paid time runs out.',
                                                           v_member.name, f ->> 'subscr_id'),
                                         v_member, v_on);
            return ('processed', pg_catalog.format('subscr_cancel: "are you sure?" mail queued, %s board notice(s); access unchanged', v_count),
                    v_member.id, null)::dues.ipn_outcome;

        when v_type = 'subscr_failed' then
            perform dues.outbox_enqueue('email', 'payment_failed', v_member.email,
                pg_catalog.jsonb_build_object('name', v_member.name, 'email', v_member.email, 'member_id', v_member.id,
                                              'subscr_id', f ->> 'subscr_id', 'processor', 'PayPal'));
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
                raise exception '% message without txn_id', v_type using errcode = 'DU102';
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
            perform dues.membership_status_update(coalesce(dues.member_master(v_member.id), v_member.id), pg_catalog.now());
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
            perform dues.membership_status_update(v_member.id, pg_catalog.now());
            return ('processed', pg_catalog.format('subscr_eot: membership ended on %s', v_on), v_member.id, null)::dues.ipn_outcome;

        else
            return ('processed', pg_catalog.format('txn_type %s (payment_status %s) is not handled: recorded, no effect',
                                                   coalesce(v_type, 'missing'), coalesce(v_status, 'missing')),
                    v_member.id, null)::dues.ipn_outcome;
    end case;
end
$$;
