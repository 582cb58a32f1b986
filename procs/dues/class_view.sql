-- A class as the api shows it: its parameter values, and whether it takes new orders.
create or replace function dues.class_view(p_class dues.class)
returns dues.class_view
language sql
stable
set search_path = ''
as $$
    select p_class.id, p_class.title, p_class.description, p_class.currency, p_class.rule, dues.class_params(p_class.id),
           p_class.provider_id, p_class.closed_at is null, p_class.closed_at, p_class.created_at
$$;
