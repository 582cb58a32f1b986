-- True when an amount fits numeric(14,2) and has no more decimals than its currency allows.
create or replace function dues.money_fits(p_amount numeric, p_currency char(3))
returns boolean
language sql
stable
set search_path = ''
as $$
    select p_amount is not null
       and pg_catalog.abs(p_amount) < 1000000000000
       and p_amount = pg_catalog.round(p_amount, c.minor_units)
      from dues.currency c
     where c.code = p_currency
$$;
