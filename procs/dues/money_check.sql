-- Raises DU023 unless the amount is representable in its currency, DU024 when it is above the largest amount accepted.
create or replace function dues.money_check(p_amount numeric, p_currency char(3))
returns numeric
language plpgsql
stable
set search_path = ''
as $$
declare
    v_max numeric;
begin
    if not coalesce(dues.money_fits(p_amount, p_currency), false) then
        raise exception 'amount % is not representable in %', p_amount, p_currency
            using errcode = 'DU023',
                  detail = pg_catalog.format('%s allows %s decimals and fewer than 13 integer digits',
                                             p_currency,
                                             (select c.minor_units from dues.currency c where c.code = p_currency));
    end if;
    v_max := dues.max_amount(p_currency);
    if pg_catalog.abs(p_amount) > v_max then
        raise exception 'amount % % is above the largest amount accepted, % %', p_amount, p_currency, v_max, p_currency
            using errcode = 'DU024',
                  hint = pg_catalog.format('setting max_amount (or max_amount_%s) holds the limit', pg_catalog.lower(p_currency));
    end if;
    return p_amount;
end
$$;
