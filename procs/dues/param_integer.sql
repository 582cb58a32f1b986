-- Parameter type integer: a whole number that fits a 32-bit integer.
create or replace function dues.param_integer(p_value jsonb, p_currency char(3))
returns boolean
language sql
immutable
set search_path = ''
as $$
    select coalesce(dues.jsonb_numeric(p_value) = pg_catalog.trunc(dues.jsonb_numeric(p_value))
                    and dues.jsonb_numeric(p_value) between -2147483648 and 2147483647, false)
$$;
