-- An amount a provider sent, with its currency: minor units as a whole number (Stripe's 2500, GoCardless' 2500 for
-- 25.00; p_minor) or a decimal text (PayPal's "25.00"). Returns the amount in the currency's units and the
-- currency's code; DU605 when the amount is not one, DU021 when the currency is unknown.
create or replace function dues.webhook_amount(p_value text, p_currency text, p_minor boolean,
                                               out amount numeric, out currency char(3))
language plpgsql
stable
set search_path = ''
as $$
declare
    v_value text := pg_catalog.btrim(p_value);
begin
    if p_currency is null then
        raise exception 'an amount without its currency' using errcode = 'DU605';
    end if;
    currency := dues.currency_resolve(p_currency);
    if p_minor then
        if v_value is null or v_value !~ '^-?[0-9]{1,15}$' then
            raise exception 'amount % is not a whole number of minor units', coalesce(p_value, 'null') using errcode = 'DU605';
        end if;
        amount := v_value::numeric / 10 ^ (select c.minor_units from dues.currency c where c.code = currency);
    else
        if v_value is null or v_value !~ '^-?[0-9]{1,12}(\.[0-9]{1,2})?$' then
            raise exception 'amount % is not an amount', coalesce(p_value, 'null') using errcode = 'DU605';
        end if;
        amount := v_value::numeric;
    end if;
end
$$;
