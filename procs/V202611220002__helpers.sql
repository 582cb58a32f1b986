-- Small helpers shared by every other procedure: who acts, argument checks, currencies and money.

-- Who is acting: the dues.actor setting when the caller set one, else the database user who logged in
-- (session_user: inside a security definer function current_user is the function's owner).
create function dues.actor()
returns text
language sql
stable
set search_path = ''
as $$
    select coalesce(nullif(pg_catalog.current_setting('dues.actor', true), ''), session_user::text)
$$;

-- Raises DU014 naming the argument when a required argument is null.
create function dues.require_argument(p_name text, p_missing boolean)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    if p_missing then
        raise exception 'argument % is required', p_name
            using errcode = 'DU014';
    end if;
end
$$;

-- The system's default currency, from dues.setting.
create function dues.default_currency()
returns char(3)
language plpgsql
stable
set search_path = ''
as $$
declare
    v_code char(3);
begin
    select c.code into v_code
      from dues.setting s
      join dues.currency c on c.code = s.value
     where s.name = 'default_currency';
    if v_code is null then
        raise exception 'setting default_currency does not name a known currency'
            using errcode = 'DU021',
                  hint = 'insert a row into dues.currency or fix dues.setting';
    end if;
    return v_code;
end
$$;

-- Normalises a currency code given by a caller (null means the default) and checks it is known.
create function dues.currency_resolve(p_code text)
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

-- True when an amount fits numeric(14,2) and has no more decimals than its currency allows.
create function dues.money_fits(p_amount numeric, p_currency char(3))
returns boolean
language sql
stable
set search_path = ''
as $$
    select p_amount is not null
       and pg_catalog.abs(p_amount) < 1000000000000
       and p_amount = pg_catalog.round(p_amount, c.minor_units)
      from dues.currency c
     where c.code = p_currency
$$;

-- Raises DU023 unless the amount is representable in its currency.
create function dues.money_check(p_amount numeric, p_currency char(3))
returns numeric
language plpgsql
stable
set search_path = ''
as $$
begin
    if not coalesce(dues.money_fits(p_amount, p_currency), false) then
        raise exception 'amount % is not representable in %', p_amount, p_currency
            using errcode = 'DU023',
                  detail = pg_catalog.format('%s allows %s decimals and fewer than 13 integer digits',
                                             p_currency,
                                             (select c.minor_units from dues.currency c where c.code = p_currency));
    end if;
    return p_amount;
end
$$;

-- Trigger: refuses DELETE and TRUNCATE (and UPDATE where attached) on tables that history depends on.
create function dues.forbid_delete()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    raise exception '% on %.% is refused: history is never deleted or rewritten', tg_op, tg_table_schema, tg_table_name
        using errcode = 'DU042',
              hint = 'record a status change or a reversing entry instead';
end
$$;
