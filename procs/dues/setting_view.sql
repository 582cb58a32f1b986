-- A setting as the api shows it: a secret's value never, only whether it has one.
create or replace function dues.setting_view(p_setting dues.setting)
returns dues.setting_view
language sql
stable
set search_path = ''
as $$
    select p_setting.name, p_setting.type, dues.setting_expects(p_setting),
           case when p_setting.secret then null else p_setting.value end,
           p_setting.value <> '', p_setting.secret, p_setting.description
$$;
