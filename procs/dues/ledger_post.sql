-- Records one ledger transaction of several postings (signed amounts summing to zero per currency); returns its id.
-- Accounts that keep a stored balance (a member's credit and receivable) are locked and their balance moved, so two
-- transactions of one member run one after the other; a shared account (processor, class revenue, bad debt: no stored
-- balance) is locked only when a posting moves it towards a sign it may not hold, and its sum of postings is checked
-- then. Concurrent payments of different members therefore share no row they write or lock for update.
create or replace function dues.ledger_post(p_kind text, p_memo text, p_account_ids bigint[], p_amounts numeric[])
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_transaction_id bigint;
    v_missing        bigint;
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

    -- lock, in id order, every account that keeps a balance, and a shared one only when this transaction moves it
    -- towards a sign it may not hold (a credit moving a shared account away from it cannot break its rule)
    perform from dues.ledger_lock(array(
        select d.account_id
          from (select p.account_id, pg_catalog.sum(p.amount) as delta
                  from unnest(p_account_ids, p_amounts) as p(account_id, amount)
                 group by p.account_id) d
          join dues.ledger_account a on a.id = d.account_id
         where a.balance is not null
            or (not a.allow_negative and d.delta < 0)
            or (not a.allow_positive and d.delta > 0)));

    select i.id into v_missing
      from pg_catalog.unnest(p_account_ids) as i(id)
     where not exists (select from dues.ledger_account a where a.id = i.id)
     limit 1;
    if found then
        raise exception 'ledger account % not found', v_missing
            using errcode = 'DU005';
    end if;

    -- the same checks the table constraints make, raised readably
    for v_bad in
        select a.currency, p.amount
          from unnest(p_account_ids, p_amounts) as p(account_id, amount)
          join dues.ledger_account a on a.id = p.account_id
         where not coalesce(dues.money_fits(p.amount, a.currency), false)
         limit 1
    loop
        raise exception 'amount % is not representable in %', v_bad.amount, v_bad.currency
            using errcode = 'DU023';
    end loop;

    for v_bad in
        select a.currency, pg_catalog.sum(p.amount) as total
          from unnest(p_account_ids, p_amounts) as p(account_id, amount)
          join dues.ledger_account a on a.id = p.account_id
         group by a.currency
        having pg_catalog.sum(p.amount) <> 0
         order by a.currency
         limit 1
    loop
        raise exception 'ledger transaction does not balance: its % postings sum to %', v_bad.currency, v_bad.total
            using errcode = 'DU040';
    end loop;

    -- a shared account's sum of postings is read only when it is locked above (a posting towards its forbidden sign)
    for v_bad in
        select x.id, x.name, x.currency, x.balance, x.balance + x.delta as new_balance
          from (select a.id, a.name, a.currency, a.allow_negative, a.allow_positive, d.delta,
                       case when a.balance is not null then a.balance
                            when (not a.allow_negative and d.delta < 0) or (not a.allow_positive and d.delta > 0)
                                then dues.ledger_balance(a.id)
                       end as balance
                  from (select p.account_id, pg_catalog.sum(p.amount) as delta
                          from unnest(p_account_ids, p_amounts) as p(account_id, amount)
                         group by p.account_id) d
                  join dues.ledger_account a on a.id = d.account_id) x
         where (not x.allow_negative and x.balance + x.delta < 0)
            or (not x.allow_positive and x.balance + x.delta > 0)
         order by x.id
         limit 1
    loop
        if v_bad.new_balance < 0 then
            raise exception 'account % (%) holds % %, not enough to pay %',
                            v_bad.id, v_bad.name, v_bad.balance, v_bad.currency, v_bad.balance - v_bad.new_balance
                using errcode = 'DU030';
        end if;
        raise exception 'account % (%) may not hold a positive balance (would be % %)',
                        v_bad.id, v_bad.name, v_bad.new_balance, v_bad.currency
            using errcode = 'DU043';
    end loop;

    insert into dues.ledger_transaction (kind, memo)
    values (p_kind, p_memo)
    returning id into v_transaction_id;

    insert into dues.ledger_posting (transaction_id, account_id, amount, currency)
    select v_transaction_id, p.account_id, p.amount, a.currency
      from unnest(p_account_ids, p_amounts) with ordinality as p(account_id, amount, n)
      join dues.ledger_account a on a.id = p.account_id
     order by p.n;

    update dues.ledger_account a
       set balance = a.balance + d.delta
      from (select p.account_id, pg_catalog.sum(p.amount) as delta
              from unnest(p_account_ids, p_amounts) as p(account_id, amount)
             group by p.account_id) d
     where a.id = d.account_id and a.balance is not null;

    return v_transaction_id;
end
$$;
