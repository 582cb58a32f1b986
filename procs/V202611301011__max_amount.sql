-- The largest amount dues accepts (setting max_amount, or max_amount_<currency> for one currency): money_check refuses
-- a payment, refund, charge, order amount or member's dues above it (DU024), and the money parameter type a price above it.

-- The largest single amount accepted in a currency: setting max_amount_<currency, lower case>, else max_amount,
-- else 1 000 000.
create or replace function dues.max_amount(p_currency char(3))
returns numeric
language sql
stable
set search_path = ''
as $$
    select dues.setting_number('max_amount_' || pg_catalog.lower(p_currency), dues.setting_number('max_amount', 1000000.00))
$$;

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

-- Parameter type money: an amount >= 0 representable in the class currency and not above the largest amount accepted.
create or replace function dues.param_money(p_value jsonb, p_currency char(3))
returns boolean
language sql
stable
set search_path = ''
as $$
    select coalesce(dues.jsonb_numeric(p_value) >= 0
                    and dues.money_fits(dues.jsonb_numeric(p_value), p_currency)
                    and dues.jsonb_numeric(p_value) <= dues.max_amount(p_currency), false)
$$;
