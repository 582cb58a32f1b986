-- Records one ledger transaction of several postings (signed amounts summing to zero per currency); returns its id.
-- Accounts that keep a stored balance (a member's credit and receivable) are locked and their balance moved, so two
-- transactions of one member run one after the other; a shared account (processor, class revenue, bad debt: no stored
-- balance) is locked only when a posting moves it towards a sign it may not hold, and its sum of postings is checked
-- then. Concurrent payments of different members therefore share no row they write or lock for update.
create or replace function dues.ledger_post(p_kind text, p_memo text, p_account_ids bigint[], p_amounts numeric[])
returns bigint
language plpgsql
set search_path = ''
-- generic plans: its statements take arrays, and PostgreSQL's custom plans for them cost less in its estimates than a
-- generic one, so it planned them again on every call (the largest CPU cost of a payment)
set plan_cache_mode = force_generic_plan
as $$
declare
    v_transaction_id bigint;
    v_missing_ids    bigint[];     -- accounts not found, in posting order
    v_currencies     char(3)[];    -- each posting's currency (its account's)
    v_unfit          int[];        -- postings whose amount the currency cannot hold
    v_unbalanced     char(3)[];    -- currencies whose postings do not sum to zero, and their sums
    v_unbalanced_sum numeric[];
    v_lock           bigint[];     -- accounts to lock, in id order
    v_bad            record;
begin
    if p_kind is null or p_kind !~ '^[a-z][a-z0-9_]*$' then
        raise exception 'ledger transaction kind % must be a lower-case identifier', coalesce(p_kind, 'null')
            using errcode = 'DU01A';
    end if;
    if pg_catalog.cardinality(p_account_ids) is distinct from pg_catalog.cardinality(p_amounts) then
        raise exception 'ledger transaction has % accounts but % amounts',
                        pg_catalog.cardinality(p_account_ids), pg_catalog.cardinality(p_amounts)
            using errcode = 'DU040';
    end if;
    if coalesce(pg_catalog.cardinality(p_account_ids), 0) < 2 then
        raise exception 'ledger transaction has % posting(s), it needs at least 2',
                        coalesce(pg_catalog.cardinality(p_account_ids), 0)
            using errcode = 'DU040';
    end if;
    if array_position(p_account_ids, null) is not null or array_position(p_amounts, null) is not null then
        raise exception 'ledger transaction has a null account or amount'
            using errcode = 'DU014';
    end if;
    if 0 = any (p_amounts) then
        raise exception 'ledger posting amount must not be zero'
            using errcode = 'DU020';
    end if;

    -- one read of the accounts (not locked yet: an account's currency, flags and kind never change) for the checks
    -- that need no lock, and the accounts to lock: every account that keeps a balance, and a shared one only when this
    -- transaction moves it towards a sign it may not hold (a credit moving a shared account away from it cannot break
    -- its rule)
    with posting as materialized (
        select p.account_id, p.amount, p.n, a.currency, a.balance is not null as keeps_balance,
               a.allow_negative, a.allow_positive
          from unnest(p_account_ids, p_amounts) with ordinality as p(account_id, amount, n)
          -- "= any": the generic plan reads the accounts by their key; with the join condition alone it estimates the
          -- unnest at 100 rows and reads every account once a site has a few thousand (a hash join over a sequential
          -- scan: 0.5 ms a call at 2 000 members, growing with them)
          left join dues.ledger_account a on a.id = p.account_id and a.id = any (p_account_ids))
    select r.missing, r.currencies, r.unfit, u.currencies, u.totals, k.ids
      into v_missing_ids, v_currencies, v_unfit, v_unbalanced, v_unbalanced_sum, v_lock
      from (select pg_catalog.array_agg(p.account_id order by p.n) filter (where p.currency is null) as missing,
                   pg_catalog.array_agg(p.currency order by p.n) as currencies,
                   pg_catalog.array_agg(p.n::int order by p.n)
                       filter (where p.currency is not null and not coalesce(dues.money_fits(p.amount, p.currency), false)) as unfit
              from posting p) r,
           (select pg_catalog.array_agg(g.currency order by g.currency) as currencies,
                   pg_catalog.array_agg(g.total order by g.currency) as totals
              from (select p.currency, pg_catalog.sum(p.amount) as total
                      from posting p
                     where p.currency is not null
                     group by p.currency
                    having pg_catalog.sum(p.amount) <> 0) g) u,
           (select pg_catalog.array_agg(d.account_id order by d.account_id) as ids
              from (select p.account_id, pg_catalog.sum(p.amount) as delta,
                           pg_catalog.bool_or(p.keeps_balance) as keeps_balance,
                           pg_catalog.bool_and(p.allow_negative) as allow_negative,
                           pg_catalog.bool_and(p.allow_positive) as allow_positive
                      from posting p
                     where p.currency is not null
                     group by p.account_id) d
             where d.keeps_balance or (not d.allow_negative and d.delta < 0) or (not d.allow_positive and d.delta > 0)) k;

    if v_missing_ids is not null then
        raise exception 'ledger account % not found', v_missing_ids[1]
            using errcode = 'DU005';
    end if;
    -- the same checks the table constraints make, raised readably
    if v_unfit is not null then
        raise exception 'amount % is not representable in %', p_amounts[v_unfit[1]], v_currencies[v_unfit[1]]
            using errcode = 'DU023';
    end if;
    if v_unbalanced is not null then
        raise exception 'ledger transaction does not balance: its % postings sum to %',
                        v_unbalanced[1], v_unbalanced_sum[1]
            using errcode = 'DU040';
    end if;

    -- lock those accounts in id order (one statement: the locking subquery yields them sorted by id) and check the
    -- signs of those that keep a balance, read from the locked row (a row locked after a wait is read again at its
    -- newest version); a shared account has no such row to read again: its sum of postings comes from the statement's
    -- snapshot, taken before the wait, which misses what the transaction it waited for posted. So when a shared
    -- account was locked, its sign is checked by the next statement, whose snapshot is taken after the lock was had.
    select x.id, x.name, x.currency, x.balance, x.balance + d.delta as new_balance, x.shared
      into v_bad
      from (select l.id, l.name, l.currency, l.allow_negative, l.allow_positive, l.balance,
                   pg_catalog.count(*) filter (where l.balance is null) over () > 0 as shared
              from (select a.id, a.name, a.currency, a.allow_negative, a.allow_positive, a.balance
                      from dues.ledger_account a
                     where a.id = any (v_lock)
                     order by a.id
                       for update) l) x
      join (select p.account_id, pg_catalog.sum(p.amount) as delta
              from unnest(p_account_ids, p_amounts) as p(account_id, amount)
             group by p.account_id) d on d.account_id = x.id
     where x.shared
        or (not x.allow_negative and x.balance + d.delta < 0)
        or (not x.allow_positive and x.balance + d.delta > 0)
     order by x.id
     limit 1;
    if found and v_bad.shared then
        -- under the locks now held: every locked account, shared ones by their sum of postings
        select x.id, x.name, x.currency, x.balance, x.balance + d.delta as new_balance
          into v_bad
          from (select a.id, a.name, a.currency, a.allow_negative, a.allow_positive,
                       coalesce(a.balance, dues.ledger_balance(a.id)) as balance
                  from dues.ledger_account a
                 where a.id = any (v_lock)) x
          join (select p.account_id, pg_catalog.sum(p.amount) as delta
                  from unnest(p_account_ids, p_amounts) as p(account_id, amount)
                 group by p.account_id) d on d.account_id = x.id
         where (not x.allow_negative and x.balance + d.delta < 0)
            or (not x.allow_positive and x.balance + d.delta > 0)
         order by x.id
         limit 1;
    end if;
    if found then
        if v_bad.new_balance < 0 then
            raise exception 'account % (%) holds % %, not enough to pay %',
                            v_bad.id, v_bad.name, v_bad.balance, v_bad.currency, v_bad.balance - v_bad.new_balance
                using errcode = 'DU030';
        end if;
        raise exception 'account % (%) may not hold a positive balance (would be % %)',
                        v_bad.id, v_bad.name, v_bad.new_balance, v_bad.currency
            using errcode = 'DU043';
    end if;

    -- checked above, so neither deferred balance trigger is queued for what this function writes: while setting
    -- dues.ledger_post is 'on', the WHEN of ledger_transaction_balanced and ledger_posting_balanced (evaluated at the
    -- insert, not at commit) leaves these rows out; a posting written any other way, into any transaction, is still
    -- checked at commit (see dues.ledger_posting_balanced)
    perform pg_catalog.set_config('dues.ledger_post', 'on', true);
    insert into dues.ledger_transaction (kind, memo)
    values (p_kind, p_memo)
    returning id into v_transaction_id;
    insert into dues.ledger_posting (transaction_id, account_id, amount, currency)
    select v_transaction_id, p.account_id, p.amount, p.currency
      from unnest(p_account_ids, p_amounts, v_currencies) with ordinality as p(account_id, amount, currency, n)
     order by p.n;
    perform pg_catalog.set_config('dues.ledger_post', '', true);

    update dues.ledger_account a
       set balance = a.balance + d.delta
      from (select p.account_id, pg_catalog.sum(p.amount) as delta
              from unnest(p_account_ids, p_amounts) as p(account_id, amount)
             group by p.account_id) d
     where a.id = d.account_id and a.balance is not null and a.id = any (p_account_ids);  -- "= any": as above

    return v_transaction_id;
end
$$;
