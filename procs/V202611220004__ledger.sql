-- The ledger's guards and its two writers: dues.ledger_post (n postings) and dues.ledger_transfer (two).

-- Raises DU040 unless the transaction has two or more postings summing to zero per currency.
create function dues.ledger_transaction_assert_balanced(p_transaction_id bigint)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
    v_count   bigint;
    v_currency char(3);
    v_sum     numeric;
begin
    select pg_catalog.count(*) into v_count
      from dues.ledger_posting p
     where p.transaction_id = p_transaction_id;
    if v_count < 2 then
        raise exception 'ledger transaction % has % posting(s), it needs at least 2', p_transaction_id, v_count
            using errcode = 'DU040';
    end if;

    select p.currency, pg_catalog.sum(p.amount) into v_currency, v_sum
      from dues.ledger_posting p
     where p.transaction_id = p_transaction_id
     group by p.currency
    having pg_catalog.sum(p.amount) <> 0
     order by p.currency
     limit 1;
    if found then
        raise exception 'ledger transaction % does not balance: its % postings sum to %', p_transaction_id, v_currency, v_sum
            using errcode = 'DU040';
    end if;
end
$$;

-- Deferred constraint trigger on ledger_posting: the posting's transaction must balance at commit.
create function dues.ledger_posting_balanced()
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

-- Deferred constraint trigger on ledger_transaction: a transaction without postings is refused at commit.
create function dues.ledger_transaction_balanced()
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

create constraint trigger ledger_posting_balanced
    after insert on dues.ledger_posting
    deferrable initially deferred
    for each row execute function dues.ledger_posting_balanced();

create constraint trigger ledger_transaction_balanced
    after insert on dues.ledger_transaction
    deferrable initially deferred
    for each row execute function dues.ledger_transaction_balanced();

-- Trigger: postings and transactions are never updated, deleted or truncated.
create function dues.ledger_immutable()
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

create trigger ledger_posting_immutable
    before update or delete on dues.ledger_posting
    for each row execute function dues.ledger_immutable();
create trigger ledger_posting_no_truncate
    before truncate on dues.ledger_posting
    for each statement execute function dues.ledger_immutable();
create trigger ledger_transaction_immutable
    before update or delete on dues.ledger_transaction
    for each row execute function dues.ledger_immutable();
create trigger ledger_transaction_no_truncate
    before truncate on dues.ledger_transaction
    for each statement execute function dues.ledger_immutable();

-- Trigger: an account keeps its identity and currency, and is never deleted; only its balance moves.
create function dues.ledger_account_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op = 'UPDATE' then
        if new.id = old.id and new.currency = old.currency then
            return new;
        end if;
        raise exception 'ledger account % cannot change its id or currency', old.id
            using errcode = 'DU041';
    end if;
    raise exception '% on %.% is refused: ledger rows are immutable', tg_op, tg_table_schema, tg_table_name
        using errcode = 'DU041';
end
$$;

create trigger ledger_account_guard
    before update or delete on dues.ledger_account
    for each row execute function dues.ledger_account_guard();
create trigger ledger_account_no_truncate
    before truncate on dues.ledger_account
    for each statement execute function dues.ledger_account_guard();

-- Locks the given accounts in ascending id order (so concurrent writers never deadlock) and returns them in that order.
create function dues.ledger_lock(p_account_ids bigint[])
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

-- Records one ledger transaction of several postings (signed amounts summing to zero per currency); returns its id.
create function dues.ledger_post(p_kind text, p_memo text, p_account_ids bigint[], p_amounts numeric[])
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
            using errcode = 'DU013';
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

    -- lock every account involved, in id order, before reading or touching any
    perform from dues.ledger_lock(p_account_ids);

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

    for v_bad in
        select a.id, a.name, a.currency, a.balance, a.allow_negative, a.balance + d.delta as new_balance
          from (select p.account_id, pg_catalog.sum(p.amount) as delta
                  from unnest(p_account_ids, p_amounts) as p(account_id, amount)
                 group by p.account_id) d
          join dues.ledger_account a on a.id = d.account_id
         where (not a.allow_negative and a.balance + d.delta < 0)
            or (not a.allow_positive and a.balance + d.delta > 0)
         order by a.id
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
     where a.id = d.account_id;

    return v_transaction_id;
end
$$;

-- Moves a positive amount from one account to another of the same currency; returns the transaction id.
create function dues.ledger_transfer(p_from bigint, p_to bigint, p_amount numeric, p_kind text, p_memo text default null)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_from_currency char(3);
    v_to_currency   char(3);
begin
    if p_amount is null or p_amount <= 0 then
        raise exception 'transfer amount must be positive, got %', coalesce(p_amount::text, 'null')
            using errcode = 'DU020';
    end if;
    if p_from = p_to then
        raise exception 'cannot transfer from ledger account % to itself', p_from
            using errcode = 'DU013';
    end if;
    select a.currency into v_from_currency from dues.ledger_account a where a.id = p_from;
    if v_from_currency is null then
        raise exception 'ledger account % not found', coalesce(p_from::text, 'null')
            using errcode = 'DU005';
    end if;
    select a.currency into v_to_currency from dues.ledger_account a where a.id = p_to;
    if v_to_currency is null then
        raise exception 'ledger account % not found', coalesce(p_to::text, 'null')
            using errcode = 'DU005';
    end if;
    if v_from_currency <> v_to_currency then
        raise exception 'cannot transfer from account % in % to account % in %', p_from, v_from_currency, p_to, v_to_currency
            using errcode = 'DU022';
    end if;
    return dues.ledger_post(p_kind, p_memo, array[p_from, p_to], array[-p_amount, p_amount]);
end
$$;
