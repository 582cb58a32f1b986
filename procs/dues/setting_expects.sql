-- What a setting accepts, in words: its type's description, its range, and whether it may be empty.
create or replace function dues.setting_expects(p_setting dues.setting)
returns text
language sql
stable
set search_path = ''
as $$
    select coalesce(t.description, 'a declared type (it has none: a DBA declares it in dues.setting)')
           || case when p_setting.minimum is null and p_setting.maximum is null then ''
                   else ' (' || case when p_setting.type = 'day_list' then 'each ' else '' end
                        || case when p_setting.minimum is not null and p_setting.maximum is not null
                                then pg_catalog.format('from %s to %s', p_setting.minimum, p_setting.maximum)
                                when p_setting.minimum is not null then pg_catalog.format('at least %s', p_setting.minimum)
                                else pg_catalog.format('at most %s', p_setting.maximum) end
                        || ')' end
           || case when p_setting.optional then ', or empty (unset)' else '' end
      from (select null) x
      left join dues.setting_type t on t.name = p_setting.type
$$;
