-- Someone applies for membership: a code confirming the e-mail is mailed to it; signin_complete with it creates the member.
create or replace function api.membership_apply(name text, email text, kind text default 'person')
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_name   text := pg_catalog.btrim(membership_apply.name);
    v_email  text := pg_catalog.btrim(membership_apply.email);
    v_member bigint;
begin
    perform dues.require_argument('name', membership_apply.name is null);
    perform dues.require_argument('email', membership_apply.email is null);
    perform dues.require_argument('kind', membership_apply.kind is null);
    if v_name = '' then
        raise exception 'name must not be blank'
            using errcode = 'DU017';
    end if;
    if pg_catalog.length(v_name) > dues.text_limit('name') or pg_catalog.length(v_email) > dues.text_limit('address') then
        raise exception 'name longer than % or e-mail address longer than % characters', dues.text_limit('name'),
                        dues.text_limit('address')
            using errcode = 'DU016';
    end if;
    if membership_apply.kind not in ('person', 'organization') then
        raise exception 'kind must be person or organization, got %', membership_apply.kind
            using errcode = 'DU019';
    end if;
    if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'e-mail address % is not valid', v_email
            using errcode = 'DU018',
                  hint = 'an address looks like name@example.org';
    end if;
    select m.id into v_member from dues.member m where pg_catalog.lower(m.email) = pg_catalog.lower(v_email);
    if v_member is not null then
        -- a member already: nothing is created, the address gets a sign-in code instead
        perform dues.signin_code_issue(v_email, 'signin', v_member, null, null, 'signin_code', dues.billing_recipient(v_member));
    else
        perform dues.signin_code_issue(v_email, 'apply', null, v_name, membership_apply.kind, 'application_code', v_email);
    end if;
    return '{"sent": true}'::jsonb;
end
$$;

comment on function api.membership_apply(text, text, text) is
$$Applies for membership: a 6-digit code confirming the e-mail (and a link, <setting site_url>/signin?email=…&code=…) is mailed
to email (message template application_code); nothing is created yet. signin_complete(email, code) then creates the member (kind
person, the default, or organization) with a membership waiting for its first payment (group pending_payments, status
pending), and answers a session. An address that is already a member's creates nothing: it is sent a sign-in code instead;
the answer, {"sent": true}, is the same. Codes and limits as signin_request (the two count together).
Errors: DU014 an argument is null, DU017 blank name, DU016 name or address too long, DU019 unknown kind, DU018 not an e-mail
address, DU401 too many requests (429).$$;

grant execute on function api.membership_apply(text, text, text) to dues_anonymous, dues_member, dues_staff;
