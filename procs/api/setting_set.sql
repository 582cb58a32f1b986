-- Changes a setting, after checking the value against its declared type and range.
create or replace function api.setting_set(name text, value text, why text default null)
returns dues.setting_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_setting dues.setting;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', setting_set.name is null);
    perform dues.require_argument('value', setting_set.value is null);
    select s.* into v_setting from dues.setting s where s.name = setting_set.name for update;
    if not found then
        raise exception 'setting % not found', setting_set.name
            using errcode = 'DU302',
                  hint = 'setting_list lists them';
    end if;
    if v_setting.type is null then
        raise exception 'setting % has no declared type: nothing checks its values', v_setting.name
            using errcode = 'DU304',
                  hint = 'a DBA declares its type in dues.setting (a migration)';
    end if;
    v_setting.value := pg_catalog.btrim(setting_set.value);
    if v_setting.type = 'currency' then
        v_setting.value := pg_catalog.upper(v_setting.value);
    end if;
    if not dues.setting_valid(v_setting) then
        raise exception 'setting % expects %; got %', v_setting.name, dues.setting_expects(v_setting),
                        case when v_setting.secret then 'another value' else pg_catalog.quote_literal(setting_set.value) end
            using errcode = 'DU303';
    end if;
    perform dues.audit_why(setting_set.why);
    update dues.setting s set value = v_setting.value where s.name = v_setting.name
    returning s.* into v_setting;
    perform dues.audit_why(null);
    return dues.setting_view(v_setting);
end
$$;

comment on function api.setting_set(text, text, text) is
$$Changes a setting (setting_list lists them). The value (spaces around it dropped; a currency code in capitals) must fit the setting's
declared type and range: an e-mail address, a URL, a whole number from its minimum to its maximum, a list of days, a time zone, a
currency, …; empty text unsets an optional one. A value that does not fit is refused (a 400 naming the setting and what it expects)
and nothing changes. A secret's value is never shown back, nor kept in the audit log (which records the change, with why). Returns
the setting as setting_list shows it. Staff only.
Errors: DU014 name or value is null, DU302 unknown setting, DU303 a value that does not fit, DU304 a setting without a declared
type, 42501 not staff.$$;

grant execute on function api.setting_set(text, text, text) to dues_staff;
