-- An amount PayPal sent (mc_gross: "25.00", "-25.00"); DU102 when it is not one.
create or replace function dues.ipn_amount(p_text text)
returns numeric
language plpgsql
immutable
set search_path = ''
as $$
begin
    if p_text is null or p_text !~ '^\s*-?[0-9]{1,12}(\.[0-9]{1,2})?\s*$' then
        raise exception 'mc_gross % is not an amount', coalesce(p_text, 'null') using errcode = 'DU102';
    end if;
    return p_text::numeric;
end
$$;
