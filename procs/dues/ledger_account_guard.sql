-- Trigger: an account keeps its identity and currency, and is never deleted; only its balance moves.
-- The update trigger's WHEN calls it only for a change of id or currency, so that the update of a balance (one in every
-- payment) runs no PL/pgSQL at all.
create or replace function dues.ledger_account_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op = 'UPDATE' then
        raise exception 'ledger account % cannot change its id or currency', old.id
            using errcode = 'DU041';
    end if;
    raise exception '% on %.% is refused: ledger rows are immutable', tg_op, tg_table_schema, tg_table_name
        using errcode = 'DU041';
end
$$;

create or replace trigger ledger_account_guard
    before update on dues.ledger_account
    for each row
    when (new.id is distinct from old.id or new.currency is distinct from old.currency)
    execute function dues.ledger_account_guard();
create or replace trigger ledger_account_no_delete
    before delete on dues.ledger_account
    for each row execute function dues.ledger_account_guard();
create or replace trigger ledger_account_no_truncate
    before truncate on dues.ledger_account
    for each statement execute function dues.ledger_account_guard();
