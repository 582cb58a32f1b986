create or replace function api.member_paypal_email_set(member_id bigint, paypal_email text, why text default null)
returns dues.member
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_email  text := nullif(pg_catalog.btrim(member_paypal_email_set.paypal_email), '');
    v_member dues.member;
begin
    perform dues.authorize_member(member_paypal_email_set.member_id, 'administer');
    perform dues.member_get(member_paypal_email_set.member_id);
    if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'e-mail address % is not valid', v_email
            using errcode = 'DU013',
                  hint = 'an address looks like name@example.org';
    end if;
    perform dues.audit_why(member_paypal_email_set.why);
    update dues.member m
       set paypal_email = v_email
     where m.id = member_paypal_email_set.member_id
    returning m.* into v_member;
    return v_member;
end
$$;

comment on function api.member_paypal_email_set(bigint, text, text) is
$$Sets (or, with null or blank, clears) the e-mail of a member's PayPal account, used to match PayPal payment notifications when it
differs from the member's e-mail. Payment notifications left unmatched are matched again at once. Recorded in the audit log with why.
A member may set its own. Returns the member. Errors: DU014 member_id is null, DU001 unknown member, DU013 not an e-mail address.$$;

grant execute on function api.member_paypal_email_set(bigint, text, text) to dues_member, dues_staff;
