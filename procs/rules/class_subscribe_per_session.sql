-- Subscription method of rule per_session: price_per_session x sessions.
create or replace function rules.class_subscribe_per_session(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                             p_request_params jsonb, p_today date)
returns dues.rule_result
language plpgsql
stable
set search_path = ''
as $$
-- @plpgsql_check_options: extra_warnings = off
-- (every rule method shares one signature; this one needs no class or member id)
declare
    v_sessions int     := (p_request_params ->> 'sessions')::int;
    v_minimum  int     := (p_class_params ->> 'min_sessions')::int;
    v_maximum  int     := (p_class_params ->> 'max_sessions')::int;
    v_price    numeric := (p_class_params ->> 'price_per_session')::numeric;
begin
    if v_sessions not between v_minimum and v_maximum then
        raise exception 'sessions % is outside the range % to % this class sells', v_sessions, v_minimum, v_maximum
            using errcode = 'DU012';
    end if;
    return row(v_price * v_sessions, p_today, null)::dues.rule_result;
end
$$;
