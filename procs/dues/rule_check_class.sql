-- Runs a rule's class_check, if it has one, on a class's parameter values.
create or replace function dues.rule_check_class(p_rule text, p_class_params jsonb)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_check regproc;
begin
    select r.class_check into v_check from dues.subscription_rule r where r.name = p_rule;
    if v_check is not null then
        execute pg_catalog.format('select %s($1)', v_check) using p_class_params;
    end if;
end
$$;
