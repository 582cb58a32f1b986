-- What a discount takes off an amount in a currency: its percent of it (rounded to the currency's minor units), or its
-- amount, never more than the amount.
create or replace function dues.discount_off(p_discount dues.discount, p_amount numeric, p_currency char(3))
returns numeric
language sql
stable
set search_path = ''
as $$
    select least(p_amount,
                 coalesce(pg_catalog.round(p_amount * p_discount.percent / 100, c.minor_units), p_discount.amount))
      from dues.currency c
     where c.code = p_currency
$$;
