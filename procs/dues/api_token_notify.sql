-- Trigger: a token was revoked, its expiry changed, or it was deleted: `dues
-- serve` is told at commit (NOTIFY dues_token, the token's hash) and asks the
-- database about that token again before its next request is served.
create or replace function dues.api_token_notify()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_catalog.pg_notify('dues_token', old.token_hash);
    return null;
end
$$;

create or replace trigger api_token_notify after update or delete on dues.api_token
    for each row execute function dues.api_token_notify();
