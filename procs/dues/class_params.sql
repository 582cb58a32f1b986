-- The parameter values of a class, as one JSON object.
create or replace function dues.class_params(p_class_id bigint)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
    return (select coalesce(pg_catalog.jsonb_object_agg(p.name, p.value), '{}')
              from dues.class_subscription_parameter p
             where p.class_id = p_class_id);
end
$$;
