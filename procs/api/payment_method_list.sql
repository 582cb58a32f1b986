-- The ways money reaches dues.
create or replace function api.payment_method_list()
returns setof dues.payment_method
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return query select pm.* from dues.payment_method pm order by pm.name;
end
$$;

comment on function api.payment_method_list() is
$$Lists the payment methods (register_payment's method), by name: name, title, created_at. Add one with payment_method_create.
Staff only.
Errors: 42501 not staff.$$;

grant execute on function api.payment_method_list() to dues_staff;
