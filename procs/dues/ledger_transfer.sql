-- Moves a positive amount from one account to another of the same currency; returns the transaction id.
create or replace function dues.ledger_transfer(p_from bigint, p_to bigint, p_amount numeric, p_kind text, p_memo text default null)
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
            using errcode = 'DU01H';
    end if;
    -- both accounts in one look-up
    select pg_catalog.min(a.currency) filter (where a.id = p_from), pg_catalog.min(a.currency) filter (where a.id = p_to)
      into v_from_currency, v_to_currency
      from dues.ledger_account a
     where a.id in (p_from, p_to);
    if v_from_currency is null then
        raise exception 'ledger account % not found', coalesce(p_from::text, 'null')
            using errcode = 'DU005';
    end if;
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
