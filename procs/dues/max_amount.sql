-- The largest single amount accepted in a currency: setting max_amount_<currency, lower case>, else max_amount,
-- else 1 000 000.
create or replace function dues.max_amount(p_currency char(3))
returns numeric
language plpgsql
stable
set search_path = ''
as $$
begin
    return dues.setting_number('max_amount_' || pg_catalog.lower(p_currency), dues.setting_number('max_amount', 1000000.00));
end
$$;
