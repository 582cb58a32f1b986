-- The seats of a class (its class parameter seats): the most students it takes at once; null when it has no limit.
create or replace function dues.class_seats(p_class_id bigint)
returns int
language plpgsql
stable
set search_path = ''
as $$
begin
    return (select (p.value #>> '{}')::int
              from dues.class_subscription_parameter p
             where p.class_id = p_class_id and p.name = 'seats');
end
$$;
