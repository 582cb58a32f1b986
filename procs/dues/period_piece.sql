-- The amount of the days p_from..p_to of a period p_start..p_end that costs p_amount, prorated by days.
-- piece = R(amount x days up to p_to / period days) - R(amount x days before p_from / period days), R rounding to the
-- currency's minor units: the pieces of any split of a period add up to exactly its amount.
create or replace function dues.period_piece(p_amount numeric, p_currency char(3), p_start date, p_end date, p_from date, p_to date)
returns numeric
language sql
stable
set search_path = ''
as $$
    select (pg_catalog.round(p_amount * (p_to - p_start + 1) / (p_end - p_start + 1), c.minor_units)
            - pg_catalog.round(p_amount * (p_from - p_start) / (p_end - p_start + 1), c.minor_units))::numeric(14,2)
      from dues.currency c
     where c.code = p_currency
       and p_start <= p_from and p_from <= p_to and p_to <= p_end
$$;
