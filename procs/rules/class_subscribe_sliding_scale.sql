-- Subscription method of rule sliding_scale.
create or replace function rules.class_subscribe_sliding_scale(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
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
