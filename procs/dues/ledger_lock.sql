-- Locks the given accounts in ascending id order (so concurrent writers never deadlock) and returns them in that order.
create or replace function dues.ledger_lock(p_account_ids bigint[])
returns setof dues.ledger_account
language plpgsql
set search_path = ''
as $$
begin
    return query
        select a.*
          from dues.ledger_account a
         where a.id = any (p_account_ids)
         order by a.id
           for update;
end
$$;
