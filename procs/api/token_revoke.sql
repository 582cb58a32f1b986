create or replace function api.token_revoke(token_id bigint)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('token_id', token_revoke.token_id is null);
    update dues.api_token t
       set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
     where t.id = token_revoke.token_id and t.revoked_at is null;
    if not found and not exists (select from dues.api_token t where t.id = token_revoke.token_id) then
        raise exception 'token % not found', token_revoke.token_id using errcode = 'DU072';
    end if;
end
$$;

comment on function api.token_revoke(bigint) is
    'Revokes an API token at once; requests with it then get 401. Revoking twice is harmless. Staff only.';

grant execute on function api.token_revoke(bigint) to dues_staff;
