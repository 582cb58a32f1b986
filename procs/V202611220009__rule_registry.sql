-- Rule parameters: the parameter type validators, the guards on rule definitions, and applying a rule.

-- The numeric value of a JSON number or numeric string, or null when it is neither.
create function dues.jsonb_numeric(p_value jsonb)
returns numeric
language sql
immutable
set search_path = ''
as $$
    select case
        when pg_catalog.jsonb_typeof(p_value) = 'number' then (p_value #>> '{}')::numeric
        when pg_catalog.jsonb_typeof(p_value) = 'string' and (p_value #>> '{}') ~ '^-?[0-9]+(\.[0-9]+)?$'
            then (p_value #>> '{}')::numeric
    end
$$;

-- Parameter type money: an amount >= 0 representable in the class currency.
create function dues.param_money(p_value jsonb, p_currency char(3))
returns boolean
language sql
stable
set search_path = ''
as $$
    select coalesce(dues.jsonb_numeric(p_value) >= 0 and dues.money_fits(dues.jsonb_numeric(p_value), p_currency), false)
$$;

-- Parameter type integer: a whole number that fits a 32-bit integer.
create function dues.param_integer(p_value jsonb, p_currency char(3))
returns boolean
language sql
immutable
set search_path = ''
as $$
    select coalesce(dues.jsonb_numeric(p_value) = pg_catalog.trunc(dues.jsonb_numeric(p_value))
                    and dues.jsonb_numeric(p_value) between -2147483648 and 2147483647, false)
$$;

-- Parameter type positive_integer: a whole number from 1 to 2147483647.
create function dues.param_positive_integer(p_value jsonb, p_currency char(3))
returns boolean
language sql
immutable
set search_path = ''
as $$
    select dues.param_integer(p_value, p_currency) and dues.jsonb_numeric(p_value) >= 1
$$;

-- Parameter type months: a whole number of months from 1 to 1200.
create function dues.param_months(p_value jsonb, p_currency char(3))
returns boolean
language sql
immutable
set search_path = ''
as $$
    select dues.param_integer(p_value, p_currency) and dues.jsonb_numeric(p_value) between 1 and 1200
$$;

-- Parameter type date: a JSON string holding a valid ISO date, YYYY-MM-DD.
create function dues.param_date(p_value jsonb, p_currency char(3))
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
-- @plpgsql_check_options: extra_warnings = off
-- (p_currency is unused: dates have no currency, but every validator shares one signature)
declare
    v_date date;
begin
    if pg_catalog.jsonb_typeof(p_value) is distinct from 'string' or (p_value #>> '{}') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then
        return false;
    end if;
    v_date := (p_value #>> '{}')::date;
    return v_date is not null;
exception when data_exception then
    return false;  -- 2026-02-30 and the like
end
$$;

-- Parameter type text: a non-blank JSON string of at most 1000 characters.
create function dues.param_text(p_value jsonb, p_currency char(3))
returns boolean
language sql
immutable
set search_path = ''
as $$
    select coalesce(pg_catalog.jsonb_typeof(p_value) = 'string'
                    and pg_catalog.btrim(p_value #>> '{}') <> ''
                    and pg_catalog.length(p_value #>> '{}') <= 1000, false)
$$;

-- True when a function has exactly the given argument types and return type and lives in one of the schemas.
create function dues.function_has_signature(p_function regproc, p_schemas text[], p_args regtype[], p_returns regtype)
returns boolean
language sql
stable
set search_path = ''
as $$
    select coalesce(n.nspname = any (p_schemas)
                    and array(select pg_catalog.unnest(p.proargtypes::oid[]))::regtype[] = p_args  -- unnest drops oidvector's zero lower bound
                    and p.prorettype = p_returns
                    and not p.proretset, false)
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where p.oid = p_function
$$;

-- Trigger: a parameter type's validator must be (p_value jsonb, p_currency char(3)) returns boolean, in dues or rules.
create function dues.parameter_type_guard()
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

create trigger parameter_type_guard
    before insert or update on dues.parameter_type
    for each row execute function dues.parameter_type_guard();

-- Trigger: a rule's method and class_check must live in schema rules with the agreed signatures.
create function dues.subscription_rule_guard()
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

create trigger subscription_rule_guard
    before insert or update on dues.subscription_rule
    for each row execute function dues.subscription_rule_guard();

-- Checks parameter values against a rule's templates of one scope; returns them without JSON nulls.
create function dues.params_check(p_rule text, p_scope text, p_params jsonb, p_currency char(3))
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
            using errcode = 'DU013';
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

-- Runs a rule's class_check, if it has one, on a class's parameter values.
create function dues.rule_check_class(p_rule text, p_class_params jsonb)
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

-- The parameter values of a class, as one JSON object.
create function dues.class_params(p_class_id bigint)
returns jsonb
language sql
stable
set search_path = ''
as $$
    select coalesce(pg_catalog.jsonb_object_agg(p.name, p.value), '{}')
      from dues.class_subscription_parameter p
     where p.class_id = p_class_id
$$;

-- Calls a class's rule method on checked request parameters and checks what it returns.
create function dues.rule_apply(p_class_id bigint, p_member_id bigint, p_request_params jsonb, p_today date)
returns dues.rule_result
language plpgsql
set search_path = ''
as $$
declare
    v_class  dues.class;
    v_method regproc;
    v_result dues.rule_result;
begin
    select c.* into strict v_class from dues.class c where c.id = p_class_id;
    select r.method into strict v_method from dues.subscription_rule r where r.name = v_class.rule;

    execute pg_catalog.format('select r.amount, r.start_date, r.end_date from %s($1, $2, $3, $4, $5) as r', v_method)
       into v_result.amount, v_result.start_date, v_result.end_date
      using p_class_id, p_member_id, dues.class_params(p_class_id), p_request_params, p_today;

    if v_result.amount is null or v_result.amount < 0 or v_result.start_date is null
       or v_result.end_date < v_result.start_date then
        raise exception 'rule % returned an invalid result %', v_class.rule, v_result
            using errcode = 'DU061',
                  detail = 'amount must be >= 0, start_date set, end_date null or not before start_date';
    end if;
    perform dues.money_check(v_result.amount, v_class.currency);
    return v_result;
end
$$;
