-- True when an amount fits numeric(14,2) and has no more decimals than its currency allows (null for an unknown currency).
-- PL/pgSQL, not SQL, so that its one query is planned once per session and not on every call (a payment calls it twice).
create or replace function dues.money_fits(p_amount numeric, p_currency char(3))
returns boolean
language plpgsql
stable
set search_path = ''
as $$
declare
    v_units int;
begin
    select c.minor_units into v_units from dues.currency c where c.code = p_currency;
    if not found then
        return null;
    end if;
    return p_amount is not null
       and pg_catalog.abs(p_amount) < 1000000000000
       and p_amount = pg_catalog.round(p_amount, v_units);
end
$$;
