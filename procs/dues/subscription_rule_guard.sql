-- Trigger: a rule's method and class_check must live in schema rules with the agreed signatures.
create or replace function dues.subscription_rule_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if not dues.function_has_signature(new.method, array['rules'],
                                       array['bigint', 'bigint', 'jsonb', 'jsonb', 'date']::regtype[], 'dues.rule_result') then
        raise exception 'method % of rule % must be a function in schema rules (p_class_id bigint, p_member_id bigint, p_class_params jsonb, p_request_params jsonb, p_today date) returns dues.rule_result',
                        new.method, new.name
            using errcode = 'DU060';
    end if;
    if new.class_check is not null
       and not dues.function_has_signature(new.class_check, array['rules'], array['jsonb']::regtype[], 'void') then
        raise exception 'class_check % of rule % must be a function in schema rules (p_class_params jsonb) returns void',
                        new.class_check, new.name
            using errcode = 'DU060';
    end if;
    return new;
end
$$;

create or replace trigger subscription_rule_guard
    before insert or update on dues.subscription_rule
    for each row execute function dues.subscription_rule_guard();
