-- Rule sliding_scale: the member states what they pay, within the class's minimum and maximum, as co-operatives do.

-- Class check of rule sliding_scale: the minimum is not above the maximum.
create function rules.class_check_sliding_scale(p_class_params jsonb)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    if (p_class_params ->> 'minimum')::numeric > (p_class_params ->> 'maximum')::numeric then
        raise exception 'minimum % is above maximum %', p_class_params ->> 'minimum', p_class_params ->> 'maximum'
            using errcode = 'DU012';
    end if;
end
$$;

-- Subscription method of rule sliding_scale.
create function rules.class_subscribe_sliding_scale(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                    p_request_params jsonb, p_today date)
returns dues.rule_result
language plpgsql
stable
set search_path = ''
as $$
-- @plpgsql_check_options: extra_warnings = off
-- (every rule method shares one signature; this one needs no class or member id)
declare
    v_amount  numeric := (p_request_params ->> 'amount')::numeric;
    v_minimum numeric := (p_class_params ->> 'minimum')::numeric;
    v_maximum numeric := (p_class_params ->> 'maximum')::numeric;
begin
    if v_amount not between v_minimum and v_maximum then
        raise exception 'amount % is outside the range % to % this class accepts', v_amount, v_minimum, v_maximum
            using errcode = 'DU012';
    end if;
    return row(v_amount, p_today, null)::dues.rule_result;
end
$$;

insert into dues.subscription_rule (name, title, description, method, class_check)
values ('sliding_scale', 'Sliding scale subscription',
        'The member states the amount they pay, between the class minimum and maximum; the subscription starts today and has no end.',
        'rules.class_subscribe_sliding_scale', 'rules.class_check_sliding_scale');

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description) values
    ('sliding_scale', 'minimum', 'money', 'class', true, 'Least a member may pay'),
    ('sliding_scale', 'maximum', 'money', 'class', true, 'Most a member may pay'),
    ('sliding_scale', 'amount', 'money', 'request', true, 'What the member chooses to pay');
