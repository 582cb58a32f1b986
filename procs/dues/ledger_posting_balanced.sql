-- Deferred constraint trigger on ledger_posting: the posting's transaction must balance at commit.
-- The postings dues.ledger_post writes are not queued: it has checked them before writing them, and while it writes its
-- transaction and their postings the setting dues.ledger_post is 'on', which the trigger's WHEN (evaluated at the
-- insert, not at commit) reads. A posting written any other way, into any transaction (one ledger_post made included),
-- is queued and checked at commit, once per posting.
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
    when (pg_catalog.current_setting('dues.ledger_post', true) is distinct from 'on')
    execute function dues.ledger_posting_balanced();
