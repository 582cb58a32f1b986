-- A member's PayPal e-mail: staff set it at once; a member asks for an address (api.member_paypal_email_set), which
-- must not be another member's e-mail or PayPal e-mail, and it becomes the member's only once the code mailed to it
-- comes back (api.member_paypal_email_confirm). Notifications that arrived before such a change wait for staff.

-- A member's PayPal e-mail and the address it asked for and has not confirmed yet.
create or replace function dues.paypal_email_view(p_member_id bigint)
returns dues.paypal_email_state
language sql
stable
set search_path = ''
as $$
    select m.id, m.paypal_email, c.email, c.expires_at
      from dues.member m
      left join lateral (select c.email, c.expires_at
                           from dues.paypal_email_claim c
                          where c.member_id = m.id and c.confirmed_at is null and c.ended_at is null
                            and c.expires_at > pg_catalog.now()
                          order by c.id desc
                          limit 1) c on true
     where m.id = p_member_id
$$;

-- Whether a member other than p_member_id has this address as its e-mail or PayPal e-mail.
create or replace function dues.email_taken(p_email text, p_member_id bigint)
returns boolean
language sql
stable
set search_path = ''
as $$
    select exists (select from dues.member m
                    where m.id <> p_member_id
                      and (pg_catalog.lower(m.email) = pg_catalog.lower(p_email)
                           or pg_catalog.lower(m.paypal_email) = pg_catalog.lower(p_email)))
$$;

-- A confirmation code: 10 characters of an alphabet without look-alikes (50 random bits).
create or replace function dues.confirmation_code()
returns text
language sql
volatile
set search_path = ''
as $$
    select pg_catalog.string_agg(pg_catalog.substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', pg_catalog.get_byte(b.bytes, i) % 32 + 1, 1),
                                 '' order by i)
      from (select public.gen_random_bytes(10) as bytes) b, pg_catalog.generate_series(0, 9) i
$$;

-- The SHA-256 (hex) of a code as a person may type it: case, spaces and dashes do not matter.
create or replace function dues.confirmation_code_hash(p_code text)
returns text
language sql
immutable
set search_path = ''
as $$
    select pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
               pg_catalog.upper(pg_catalog.regexp_replace(coalesce(p_code, ''), '[^A-Za-z0-9]', '', 'g')), 'UTF8')), 'hex')
$$;

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
            using errcode = 'DU013',
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
organisation) asks for it: a code is mailed to the address, and the address becomes the member's PayPal e-mail when
member_paypal_email_confirm gets the code back (within setting paypal_email_code_minutes, 60; at most
paypal_email_claims_per_day requests, 5). An address that is another member's e-mail or PayPal e-mail never becomes a member's
this way (its owner is told instead; the answer is the same). Notifications that arrived before a member's own change are not
matched to it: they are held for staff. null or blank clears it at once. Recorded in the audit log with why. Returns
member_id, paypal_email (the address in force), pending_email and pending_until (the address waiting for its code, until when).
Errors: DU014 member_id is null, DU001 unknown member, DU013 not an e-mail address, DU016 an address or why too long,
DU116 too many requests today, 42501 not allowed.$$;

-- Confirms the address a member asked for as its PayPal e-mail with the code mailed to it.
create or replace function api.member_paypal_email_confirm(member_id bigint, code text)
returns dues.paypal_email_state
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_member dues.member;
    v_claim  dues.paypal_email_claim;
begin
    perform dues.authorize_member(member_paypal_email_confirm.member_id, 'administer');
    v_member := dues.member_lock(member_paypal_email_confirm.member_id);
    perform dues.require_argument('code', member_paypal_email_confirm.code is null);
    select c.* into v_claim
      from dues.paypal_email_claim c
     where c.member_id = v_member.id and c.confirmed_at is null and c.ended_at is null and c.expires_at > pg_catalog.now()
     order by c.id desc
     limit 1
       for update;
    if v_claim.id is null or v_claim.code_hash is distinct from dues.confirmation_code_hash(pg_catalog.left(member_paypal_email_confirm.code, 100)) then
        raise exception 'this code does not confirm a PayPal e-mail of member %', v_member.id
            using errcode = 'DU115',
                  hint = 'a code is valid for the last address asked for, until pending_until; ask again with member_paypal_email_set';
    end if;
    -- one member at a time makes an address its own
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.paypal_email ' || pg_catalog.lower(v_claim.email), 0));
    if dues.email_taken(v_claim.email, v_member.id) then
        raise exception 'e-mail address % is already used by another member', v_claim.email
            using errcode = 'DU114';
    end if;
    update dues.paypal_email_claim c set confirmed_at = pg_catalog.now() where c.id = v_claim.id;
    perform dues.audit_why(coalesce(v_claim.why, 'confirmed by the code mailed to it'));
    update dues.member m
       set paypal_email = v_claim.email, paypal_email_confirmed_at = pg_catalog.clock_timestamp()
     where m.id = v_member.id;
    return dues.paypal_email_view(v_member.id);
end
$$;

comment on function api.member_paypal_email_confirm(bigint, text) is
$$Confirms the address a member asked for with member_paypal_email_set, with the code mailed to it (case, spaces and dashes do not
matter): it becomes the member's PayPal e-mail. Payment notifications from it that arrived before are not matched to the member:
they are held for staff (ipn_list state held, ipn_reprocess with member_id). Returns member_id, paypal_email, pending_email,
pending_until. Errors: DU014 member_id or code is null, DU001 unknown member, DU115 no address waits for a code, the code is wrong or
it expired (one answer), DU114 another member has the address by now, 42501 not allowed.$$;

grant execute on function
    api.member_paypal_email_set(bigint, text, text),
    api.member_paypal_email_confirm(bigint, text)
to dues_member, dues_staff;

create or replace trigger paypal_email_claim_text_limit before insert on dues.paypal_email_claim
    for each row execute function dues.text_limit_check('email:address', 'why:note');
