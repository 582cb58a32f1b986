-- Trigger: a token was revoked, its expiry changed, or it was deleted: `dues
-- serve` is told at commit (NOTIFY dues_token, the token's hash) and asks the
-- database about that token again before its next request is served.
create function dues.api_token_notify()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_catalog.pg_notify('dues_token', old.token_hash);
    return null;
end
$$;
