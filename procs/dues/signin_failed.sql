-- After a refused api.signin_complete (DU400, whose transaction was rolled back), in a transaction of its own: the
-- address's newest code counts one more try, and the client address (when the call came over HTTP) one more refusal
-- (dues.error_code.on_failure names this function; dues serve and dues call call it with the failed call's arguments).
-- A call without a code tried none.
create or replace function dues.signin_failed(email text, code text)
returns void
language plpgsql
set search_path = ''
as $$
begin
    perform pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtextextended('dues.signin ' || pg_catalog.lower(pg_catalog.btrim(coalesce(signin_failed.email, ''))), 0));
    update dues.signin_code c
       set attempts = c.attempts + 1
     where c.id = (select c2.id from dues.signin_code c2
                    where pg_catalog.lower(c2.email) = pg_catalog.lower(pg_catalog.btrim(signin_failed.email))
                    order by c2.id desc
                    limit 1)
       and c.used_at is null
       and signin_failed.code is not null;
    if dues.client_address() is not null then
        insert into dues.signin_failure (client_address) values (dues.client_address());
    end if;
end
$$;
