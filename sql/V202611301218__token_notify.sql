-- Servers forget what they know of a token when it changes (dues.api_token_notify).
create trigger api_token_notify
    after update or delete on dues.api_token
    for each row execute function dues.api_token_notify();
