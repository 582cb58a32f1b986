-- Deferred constraint trigger on ledger_posting: the posting's transaction must balance at commit.
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
    for each row execute function dues.ledger_posting_balanced();
