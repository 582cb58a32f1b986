-- Deferred constraint trigger on ledger_transaction: a transaction without postings is refused at commit.
-- Not queued for a transaction dues.ledger_post writes (it checks its postings before writing them; setting
-- dues.ledger_post is 'on' meanwhile, see dues.ledger_posting_balanced).
create or replace function dues.ledger_transaction_balanced()
returns trigger
language plpgsql
security definer  -- deferred: it fires at COMMIT under the caller's role, which may not see schema dues
set search_path = ''
as $$
begin
    perform dues.ledger_transaction_assert_balanced(new.id);
    return null;
end
$$;

drop trigger if exists ledger_transaction_balanced on dues.ledger_transaction;
create constraint trigger ledger_transaction_balanced
    after insert on dues.ledger_transaction
    deferrable initially deferred
    for each row
    when (pg_catalog.current_setting('dues.ledger_post', true) is distinct from 'on')
    execute function dues.ledger_transaction_balanced();
