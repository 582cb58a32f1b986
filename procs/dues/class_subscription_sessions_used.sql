-- How many sessions a class subscription was used for (its attendances).
create or replace function dues.class_subscription_sessions_used(p_class_subscription_id bigint)
returns int
language sql
stable
set search_path = ''
as $$
    select pg_catalog.count(*)::int from dues.class_attendance a where a.class_subscription_id = p_class_subscription_id
$$;
