-- Whether a setting's value fits its declared type (dues.setting_type) and range; empty fits an optional setting.
-- A setting without a type fits nothing (api.setting_set refuses to change it).
create or replace function dues.setting_valid(p_setting dues.setting)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
declare
    v_value text := p_setting.value;
    v_min   numeric := p_setting.minimum;
    v_max   numeric := p_setting.maximum;
begin
    if v_value = '' and p_setting.optional then
        return true;
    end if;
    return case p_setting.type
        when 'text' then pg_catalog.btrim(v_value) <> ''
        when 'integer' then v_value ~ '^-?[0-9]{1,18}$'
                            and v_value::numeric between coalesce(v_min, v_value::numeric) and coalesce(v_max, v_value::numeric)
        when 'amount' then v_value ~ '^[0-9]{1,12}(\.[0-9]{1,2})?$'
                           and v_value::numeric between coalesce(v_min, v_value::numeric) and coalesce(v_max, v_value::numeric)
        when 'email' then v_value ~ '^[^@[:space:]<>]+@[^@[:space:]<>]+$'
        when 'mailbox' then v_value ~ '^[^@[:space:]<>]+@[^@[:space:]<>]+$'
                            or v_value ~ '^[^<>@]*<[^@[:space:]<>]+@[^@[:space:]<>]+>$'
        when 'url' then v_value ~* '^https?://[^[:space:]/?#]+([/?#][^[:space:]]*)?$'
        when 'day_list' then v_value ~ '^[0-9]{1,9}(\s*,\s*[0-9]{1,9})*$'
                             and not exists (select from pg_catalog.regexp_split_to_table(v_value, '\s*,\s*') d(n)
                                              where d.n::numeric < coalesce(v_min, 0) or d.n::numeric > coalesce(v_max, d.n::numeric))
        when 'time_zone' then exists (select from pg_catalog.pg_timezone_names z where z.name = v_value)
        when 'currency' then exists (select from dues.currency c where c.code = v_value)
        else false
    end;
end
$$;
