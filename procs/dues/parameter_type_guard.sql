-- Trigger: a parameter type's validator must be (p_value jsonb, p_currency char(3)) returns boolean, in dues or rules.
create or replace function dues.parameter_type_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if not dues.function_has_signature(new.validator, array['dues', 'rules'],
                                       array['jsonb', 'character']::regtype[], 'boolean') then
        raise exception 'validator % of parameter type % must be a function (jsonb, char(3)) returns boolean in schema dues or rules',
                        new.validator, new.name
            using errcode = 'DU060';
    end if;
    return new;
end
$$;

create or replace trigger parameter_type_guard
    before insert or update on dues.parameter_type
    for each row execute function dues.parameter_type_guard();
