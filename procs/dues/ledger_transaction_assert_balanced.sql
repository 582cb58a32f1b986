-- Raises DU040 unless the transaction has two or more postings summing to zero per currency.
create or replace function dues.ledger_transaction_assert_balanced(p_transaction_id bigint)
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
