-- Takes the seats of a class for the rest of the transaction (a transaction-level advisory lock): whoever counts free
-- seats and then takes or offers one holds it, so two members never take the last seat at once. Taken after the member's
-- lock and before any ledger account's.
create or replace function dues.class_seats_lock(p_class_id bigint)
returns void
language plpgsql
set search_path = ''
as $$
begin
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(pg_catalog.format('dues.class seats %s', p_class_id), 0));
end
$$;
