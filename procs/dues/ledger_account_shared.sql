-- Trigger: a new account that many members' transactions will touch (a processor, a class's revenue, a provider's bad
-- debt) is a shared account: it keeps no stored balance (null), its balance is the sum of its postings
-- (dues.ledger_balance), so that concurrent payments never queue on its row. Every other account starts at 0.
create or replace function dues.ledger_account_shared()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.payment_method is not null or new.class_id is not null or new.bad_debt_of is not null then
        new.balance := null;
    else
        new.balance := coalesce(new.balance, 0.00);
    end if;
    return new;
end
$$;

create or replace trigger ledger_account_shared
    before insert on dues.ledger_account
    for each row execute function dues.ledger_account_shared();
