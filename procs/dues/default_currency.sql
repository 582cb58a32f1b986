-- The system's default currency, from dues.setting.
create or replace function dues.default_currency()
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
