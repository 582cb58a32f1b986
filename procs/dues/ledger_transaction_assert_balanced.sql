-- Raises DU040 unless the transaction has two or more postings summing to zero per currency.
create or replace function dues.ledger_transaction_assert_balanced(p_transaction_id bigint)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
    v_count    bigint;
    v_currency char(3);
    v_sum      numeric;
begin
    -- one scan of the transaction's postings: their number, and the first currency (in code order) that does not balance
    select coalesce(pg_catalog.sum(g.n), 0),
           (pg_catalog.array_agg(g.currency order by g.currency) filter (where g.total <> 0))[1],
           (pg_catalog.array_agg(g.total order by g.currency) filter (where g.total <> 0))[1]
      into v_count, v_currency, v_sum
      from (select p.currency, pg_catalog.count(*) as n, pg_catalog.sum(p.amount) as total
              from dues.ledger_posting p
             where p.transaction_id = p_transaction_id
             group by p.currency) g;
    if v_count < 2 then
        raise exception 'ledger transaction % has % posting(s), it needs at least 2', p_transaction_id, v_count
            using errcode = 'DU040';
    end if;
    if v_currency is not null then
        raise exception 'ledger transaction % does not balance: its % postings sum to %', p_transaction_id, v_currency, v_sum
            using errcode = 'DU040';
    end if;
end
$$;
