-- Deferred constraint trigger on ledger_posting: the posting's transaction must balance at commit.
-- A posting that dues.ledger_post writes into the transaction it has just made (and checked) is not queued: while it
-- inserts them, setting dues.ledger_post holds that transaction's id, and the trigger's WHEN (evaluated at the insert,
-- not at commit) leaves them out. That transaction is still checked once at commit, by ledger_transaction_balanced;
-- a posting written any other way (into any transaction) is checked here, once per posting.
create or replace function dues.ledger_posting_balanced()
returns trigger
language plpgsql
security definer  -- deferred: it fires at COMMIT under the caller's role, which may not see schema dues
set search_path = ''
as $$
begin
    perform dues.ledger_transaction_assert_balanced(new.transaction_id);
    return null;
end
$$;

drop trigger if exists ledger_posting_balanced on dues.ledger_posting;
create constraint trigger ledger_posting_balanced
    after insert on dues.ledger_posting
    deferrable initially deferred
    for each row
    when (new.transaction_id::text is distinct from pg_catalog.current_setting('dues.ledger_post', true))
    execute function dues.ledger_posting_balanced();
