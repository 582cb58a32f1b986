-- Trigger: postings and transactions are never updated, deleted or truncated.
create or replace function dues.ledger_immutable()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    raise exception '% on %.% is refused: ledger rows are immutable', tg_op, tg_table_schema, tg_table_name
        using errcode = 'DU041',
              hint = 'post a reversing transaction instead';
end
$$;

create or replace trigger ledger_posting_immutable
    before update or delete on dues.ledger_posting
    for each row execute function dues.ledger_immutable();
create or replace trigger ledger_posting_no_truncate
    before truncate on dues.ledger_posting
    for each statement execute function dues.ledger_immutable();
create or replace trigger ledger_transaction_immutable
    before update or delete on dues.ledger_transaction
    for each row execute function dues.ledger_immutable();
create or replace trigger ledger_transaction_no_truncate
    before truncate on dues.ledger_transaction
    for each statement execute function dues.ledger_immutable();
