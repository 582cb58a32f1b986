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

grant execute on function api.member_paypal_email_confirm(bigint, text) to dues_member, dues_staff;
