-- Parameter type months: a whole number of months from 1 to 1200.
create or replace function dues.param_months(p_value jsonb, p_currency char(3))
returns boolean
language sql
immutable
set search_path = ''
as $$
    select dues.param_integer(p_value, p_currency) and dues.jsonb_numeric(p_value) between 1 and 1200
$$;
