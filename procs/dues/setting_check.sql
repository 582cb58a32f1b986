-- Trigger: refuses (DU303) a setting whose value does not fit its declared type and range, whoever changes it: the
-- message names the setting and what it expects (and never a secret's value).
create or replace function dues.setting_check()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if new.type is not null and not dues.setting_valid(new) then
        raise exception 'setting % expects %; got %', new.name, dues.setting_expects(new),
                        case when new.secret then 'another value' else pg_catalog.quote_literal(new.value) end
            using errcode = 'DU303';
    end if;
    return new;
end
$$;

create or replace trigger setting_check before insert or update on dues.setting
    for each row execute function dues.setting_check();
