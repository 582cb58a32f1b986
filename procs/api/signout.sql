-- Ends the caller's own session: revokes the token the request was made with.
create or replace function api.signout()
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_hash text := nullif(pg_catalog.current_setting('dues.token_hash', true), '');
begin
    if v_hash is null then
        raise exception 'this call carries no token to sign out'
            using errcode = 'DU402',
                  hint = 'sign out over HTTP, with the token; dues token revoke revokes any token';
    end if;
    update dues.api_token t
       set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
     where t.token_hash = v_hash and t.revoked_at is null;
end
$$;

comment on function api.signout() is
$$Signs out: revokes the token this request was made with (a session from signin_complete, or any other token); requests with it
are refused (401) from then on. Members and staff.
Errors: DU402 the call carries no token (dues call).$$;

grant execute on function api.signout() to dues_member, dues_staff;
