-- What a discount takes off an amount: its percent of it (rounded to the cent), or its amount, never more than the amount.
create or replace function dues.discount_off(p_discount dues.discount, p_amount numeric)
returns numeric
language sql
immutable
set search_path = ''
as $$
    select least(p_amount,
             coalesce(pg_catalog.round(p_amount * p_discount.percent / 100, 2), p_discount.amount))
$$;
