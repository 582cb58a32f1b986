-- Parameter type positive_integer: a whole number from 1 to 2147483647.
create or replace function dues.param_positive_integer(p_value jsonb, p_currency char(3))
returns boolean
language sql
immutable
set search_path = ''
as $$
    select dues.param_integer(p_value, p_currency) and dues.jsonb_numeric(p_value) >= 1
$$;
