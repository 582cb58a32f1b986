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
