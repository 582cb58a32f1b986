-- Changes a member's name, e-mail (the member itself may) and kind (staff only); recorded in the audit log with why.
create or replace function api.member_update(member_id bigint, name text default null, email text default null,
                                             kind text default null, why text default null)
returns dues.member
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_member dues.member;
    v_name   text := pg_catalog.btrim(member_update.name);
    v_email  text := pg_catalog.btrim(member_update.email);
    v_staff  boolean := dues.caller_is_staff();
begin
    perform dues.authorize_member(member_update.member_id, 'administer');
    v_member := dues.member_lock(member_update.member_id);
    if v_name = '' then
        raise exception 'name must not be blank'
            using errcode = 'DU017';
    end if;
    if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'e-mail address % is not valid', member_update.email
            using errcode = 'DU018',
                  hint = 'an address looks like name@example.org';
    end if;
    if member_update.kind not in ('person', 'organization') then
        raise exception 'kind must be person or organization, got %', member_update.kind
            using errcode = 'DU019';
    end if;
    if member_update.kind <> v_member.kind then
        if not v_staff then
            raise exception 'only staff may change the kind of member %', v_member.id
                using errcode = '42501';
        end if;
        perform dues.member_kind_check(v_member.id, member_update.kind);
    end if;
    if pg_catalog.lower(v_email) <> pg_catalog.lower(v_member.email) then
        -- one member at a time makes an address its own (as member_paypal_email_confirm)
        perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.paypal_email ' || pg_catalog.lower(v_email), 0));
        -- an address that is another member's e-mail or PayPal e-mail would take that member's payment notifications
        if dues.email_taken(v_email, v_member.id) then
            raise exception 'e-mail address % is already used by another member', v_email
                using errcode = 'DU015';
        end if;
    end if;

    perform dues.audit_why(member_update.why);
    begin
        update dues.member m
           set name = coalesce(v_name, m.name),
               email = coalesce(v_email, m.email),
               kind = coalesce(member_update.kind, m.kind),
               -- notifications that came from the address before a member made it its own wait for staff (dues.ipn_apply)
               email_changed_by_member_at = case
                   when v_email is null or pg_catalog.lower(v_email) = pg_catalog.lower(m.email) then m.email_changed_by_member_at
                   when v_staff then null
                   else pg_catalog.clock_timestamp() end
         where m.id = v_member.id
        returning m.* into v_member;
    exception when unique_violation then
        -- a member made with this address at the same moment
        raise exception 'e-mail address % is already used by another member', v_email
            using errcode = 'DU015';
    end;
    perform dues.audit_why(null);
    return v_member;
end
$$;

comment on function api.member_update(bigint, text, text, text, text) is
$$Changes a member's name, e-mail address and kind (person or organization); an argument left out (null) keeps its value. A member
may change its own name and e-mail (a manager those of its organization); only staff change a kind, and not while it would contradict
the member's roles (a person holding roles cannot become an organization; an organization that is a provider, or on which persons hold
roles, cannot become a person). The e-mail must not be another member's e-mail or PayPal e-mail. A new e-mail matches payment
notifications left unmatched at once; those that came from it before a member made it its own (not staff) are held for staff
(ipn_list state held). Every change is in the audit log with why. Returns the member.
Errors: DU014 member_id is null, DU001 unknown member, DU017 blank name, DU018 not an e-mail address, DU015 e-mail used by another
member, DU016 a name or address too long, DU019 unknown kind, DU309 the kind contradicts the member's roles, 42501 not allowed (a member
changing a kind, or another member).$$;

grant execute on function api.member_update(bigint, text, text, text, text) to dues_member, dues_staff;
