-- Subscription method of rule free.
create or replace function rules.class_subscribe_free(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                      p_request_params jsonb, p_today date)
returns dues.rule_result
language plpgsql
stable
set search_path = ''
as $$
-- @plpgsql_check_options: extra_warnings = off
-- (every rule method shares one signature; this one needs only p_today)
begin
    return row(0, p_today, null)::dues.rule_result;
end
$$;
