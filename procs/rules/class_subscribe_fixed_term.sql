-- Subscription method of rule fixed_term.
create or replace function rules.class_subscribe_fixed_term(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                            p_request_params jsonb, p_today date)
returns dues.rule_result
language plpgsql
stable
set search_path = ''
as $$
-- @plpgsql_check_options: extra_warnings = off
-- (every rule method shares one signature; this one needs no class or member id)
declare
    v_start date := coalesce((p_request_params ->> 'start_date')::date, p_today);
begin
    if v_start < p_today then
        raise exception 'start_date % is in the past (today is %)', v_start, p_today
            using errcode = 'DU012';
    end if;
    -- end_date is the last day covered: a 12-month term from 2027-01-15 ends on 2028-01-14
    return row((p_class_params ->> 'price')::numeric,
               v_start,
               (v_start + pg_catalog.make_interval(months => (p_class_params ->> 'months')::int))::date - 1
              )::dues.rule_result;
end
$$;
