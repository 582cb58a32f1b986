-- Rule per_session: the member buys a number of sessions, between the class's minimum and maximum, at the class's price each.

-- Class check of rule per_session: the minimum number of sessions is not above the maximum.
create function rules.class_check_per_session(p_class_params jsonb)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    if (p_class_params ->> 'min_sessions')::int > (p_class_params ->> 'max_sessions')::int then
        raise exception 'min_sessions % is above max_sessions %', p_class_params ->> 'min_sessions', p_class_params ->> 'max_sessions'
            using errcode = 'DU012';
    end if;
end
$$;

-- Subscription method of rule per_session: price_per_session x sessions.
create function rules.class_subscribe_per_session(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
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

insert into dues.subscription_rule (name, title, description, method, class_check)
values ('per_session', 'Pay per session',
        'The member buys a number of sessions, between the class minimum and maximum, at the class price per session.',
        'rules.class_subscribe_per_session', 'rules.class_check_per_session');

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description) values
    ('per_session', 'price_per_session', 'money', 'class', true, 'Price of one session'),
    ('per_session', 'min_sessions', 'positive_integer', 'class', true, 'Fewest sessions a member may buy'),
    ('per_session', 'max_sessions', 'positive_integer', 'class', true, 'Most sessions a member may buy'),
    ('per_session', 'sessions', 'positive_integer', 'request', true, 'Number of sessions the member buys');
