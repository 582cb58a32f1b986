-- Normalises a currency code given by a caller (null means the default) and checks it is known.
create or replace function dues.currency_resolve(p_code text)
returns char(3)
language plpgsql
stable
set search_path = ''
as $$
declare
    v_code char(3);
begin
    if p_code is null then
        return dues.default_currency();
    end if;
    select c.code into v_code from dues.currency c where c.code = pg_catalog.upper(pg_catalog.btrim(p_code));
    if v_code is null then
        raise exception 'currency % is unknown', p_code
            using errcode = 'DU021',
                  hint = 'known currencies are listed in dues.currency';
    end if;
    return v_code;
end
$$;
