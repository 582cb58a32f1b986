-- Sets a member's PayPal e-mail (staff), or asks to (a member: the address is confirmed by a mailed code).
create or replace function api.member_paypal_email_set(member_id bigint, paypal_email text, why text default null)
returns dues.paypal_email_state
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_email   text := nullif(pg_catalog.btrim(member_paypal_email_set.paypal_email), '');
    v_member  dues.member;
    v_code    text;
    v_expires timestamptz;
begin
    perform dues.authorize_member(member_paypal_email_set.member_id, 'administer');
    v_member := dues.member_lock(member_paypal_email_set.member_id);
    if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'e-mail address % is not valid', v_email
            using errcode = 'DU018',
                  hint = 'an address looks like name@example.org';
    end if;

    if dues.caller_is_staff() or v_email is null then
        -- staff vouch for the address (and for the notifications it matches); anyone may clear it
        update dues.paypal_email_claim c set ended_at = pg_catalog.now()
         where c.member_id = v_member.id and c.confirmed_at is null and c.ended_at is null;
        perform dues.audit_why(member_paypal_email_set.why);
        update dues.member m
           set paypal_email = v_email, paypal_email_confirmed_at = null
         where m.id = v_member.id;
        return dues.paypal_email_view(v_member.id);
    end if;

    if pg_catalog.lower(v_email) = pg_catalog.lower(v_member.paypal_email) then
        return dues.paypal_email_view(v_member.id);
    end if;
    if (select pg_catalog.count(*) from dues.paypal_email_claim c
         where c.member_id = v_member.id and c.created_at > pg_catalog.now() - interval '1 day')
       >= dues.setting_int('paypal_email_claims_per_day', 5) then
        raise exception 'member % asked to confirm a PayPal e-mail % times in the last day', v_member.id,
                        dues.setting_int('paypal_email_claims_per_day', 5)
            using errcode = 'DU116',
                  hint = 'enter the code already sent, or try again tomorrow';
    end if;
    update dues.paypal_email_claim c set ended_at = pg_catalog.now()
     where c.member_id = v_member.id and c.confirmed_at is null and c.ended_at is null;
    v_expires := pg_catalog.now() + pg_catalog.make_interval(mins => dues.setting_int('paypal_email_code_minutes', 60));
    -- the answer is the same whether or not another member has the address: its owner is told instead of sent a code
    if dues.email_taken(v_email, v_member.id) then
        perform dues.outbox_enqueue('email', 'paypal_email_in_use', v_email,
                                    pg_catalog.jsonb_build_object('name', v_member.name, 'member_id', v_member.id));
    else
        v_code := dues.confirmation_code();
        perform dues.outbox_enqueue('email', 'paypal_email_confirm', v_email,
                                    pg_catalog.jsonb_build_object('name', v_member.name, 'member_id', v_member.id, 'code', v_code,
                                                                  'expires_at', v_expires));
    end if;
    insert into dues.paypal_email_claim (member_id, email, code_hash, why, expires_at)
    values (v_member.id, v_email, dues.confirmation_code_hash(v_code), member_paypal_email_set.why, v_expires);
    return dues.paypal_email_view(v_member.id);
end
$$;

comment on function api.member_paypal_email_set(bigint, text, text) is
$$Sets the e-mail of a member's PayPal account, used to match PayPal payment notifications when it differs from the member's
e-mail. Staff set it at once (and payment notifications left unmatched are matched again). A member (or a manager of an
organization) asks for it: a code is mailed to the address, and the address becomes the member's PayPal e-mail when
member_paypal_email_confirm gets the code back (within setting paypal_email_code_minutes, 60; at most
paypal_email_claims_per_day requests, 5). An address that is another member's e-mail or PayPal e-mail never becomes a member's
this way (its owner is told instead; the answer is the same). Notifications that arrived before a member's own change are not
matched to it: they are held for staff. null or blank clears it at once. Recorded in the audit log with why. Returns
member_id, paypal_email (the address in force), pending_email and pending_until (the address waiting for its code, until when).
Errors: DU014 member_id is null, DU001 unknown member, DU018 not an e-mail address, DU016 an address or why too long,
DU116 too many requests today, 42501 not allowed.$$;

grant execute on function api.member_paypal_email_set(bigint, text, text) to dues_member, dues_staff;
