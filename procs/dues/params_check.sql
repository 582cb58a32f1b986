-- Checks parameter values against a rule's templates of one scope; returns them without JSON nulls.
create or replace function dues.params_check(p_rule text, p_scope text, p_params jsonb, p_currency char(3))
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
    v_params jsonb := coalesce(p_params, '{}');
    v_param  record;
    v_valid  boolean;
begin
    if pg_catalog.jsonb_typeof(v_params) <> 'object' then
        raise exception 'parameters must be a JSON object, got %', v_params
            using errcode = 'DU01K';
    end if;
    v_params := pg_catalog.jsonb_strip_nulls(v_params);

    -- unknown names, and names that belong to the other scope
    for v_param in
        select k.name, t.scope
          from pg_catalog.jsonb_object_keys(v_params) as k(name)
          left join dues.subscription_parameter_template t on t.rule = p_rule and t.name = k.name
         where t.scope is distinct from p_scope
         order by k.name
         limit 1
    loop
        if v_param.scope is null then
            raise exception 'rule % has no parameter %', p_rule, v_param.name
                using errcode = 'DU011',
                      hint = (select 'its ' || p_scope || ' parameters are: '
                                     || coalesce(pg_catalog.string_agg(t.name, ', ' order by t.name), 'none')
                                from dues.subscription_parameter_template t
                               where t.rule = p_rule and t.scope = p_scope);
        end if;
        raise exception 'parameter % of rule % is set by %, not by %', v_param.name, p_rule,
                        case v_param.scope when 'class' then 'the class' else 'each request' end,
                        case p_scope when 'class' then 'the class' else 'the request' end
            using errcode = 'DU011';
    end loop;

    -- required names
    for v_param in
        select t.name
          from dues.subscription_parameter_template t
         where t.rule = p_rule and t.scope = p_scope and t.required
           and not v_params ? t.name
         order by t.name
         limit 1
    loop
        raise exception 'parameter % is required by rule %', v_param.name, p_rule
            using errcode = 'DU010';
    end loop;

    -- every value valid for its type
    for v_param in
        select t.name, t.type, pt.validator, pt.description, v_params -> t.name as value
          from dues.subscription_parameter_template t
          join dues.parameter_type pt on pt.name = t.type
         where t.rule = p_rule and t.scope = p_scope
           and v_params ? t.name
         order by t.name
    loop
        execute pg_catalog.format('select %s($1, $2)', v_param.validator)
           into v_valid
          using v_param.value, p_currency;
        if not coalesce(v_valid, false) then
            raise exception 'parameter % must be of type %, got %', v_param.name, v_param.type, v_param.value
                using errcode = 'DU012',
                      hint = v_param.type || ': ' || v_param.description;
        end if;
    end loop;

    return v_params;
end
$$;
