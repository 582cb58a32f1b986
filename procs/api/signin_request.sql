-- Mails a one-time sign-in code (and a sign-in link) to a member's billing e-mail: the same answer whether or not the address is a member's.
create or replace function api.signin_request(email text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_email  text := pg_catalog.btrim(signin_request.email);
    v_member bigint;
begin
    perform dues.require_argument('email', signin_request.email is null);
    if pg_catalog.length(v_email) > dues.text_limit('address') then
        raise exception 'e-mail address longer than % characters', dues.text_limit('address')
            using errcode = 'DU016';
    end if;
    if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'e-mail address % is not valid', v_email
            using errcode = 'DU018',
                  hint = 'an address looks like name@example.org';
    end if;
    select m.id into v_member from dues.member m where pg_catalog.lower(m.email) = pg_catalog.lower(v_email);
    -- an unknown address is recorded (and counted) all the same, with a code nobody is sent
    perform dues.signin_code_issue(v_email, 'signin', v_member, null, null, 'signin_code',
                                   case when v_member is not null then dues.billing_recipient(v_member) end);
    return '{"sent": true}'::jsonb;
end
$$;

comment on function api.signin_request(text) is
$$Asks for a one-time sign-in code: when email is a member's e-mail, a 6-digit code and a sign-in link
(<setting site_url>/signin?email=…&code=…) are mailed to the member's billing e-mail (message template signin_code). The code
is valid for setting signin_code_minutes (15) and signin_code_tries (5) tries; only the newest code of an address counts; it
is kept only as a hash. Give it to signin_complete. The answer is {"sent": true} whether or not the address is a member's.
Anyone may ask, at most signin_requests_per_address (5) times an hour per address and signin_requests_per_client (30) per
client address, counting membership_apply too: past that, a 429 whose Retry-After says when to try again.
Errors: DU014 email is null, DU016 address too long, DU018 not an e-mail address, DU401 too many requests (429).$$;

grant execute on function api.signin_request(text) to dues_anonymous, dues_member, dues_staff;
