-- The storage slot types.
create or replace function api.storage_slot_type_list()
returns setof dues.storage_slot_type
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return query select t.* from dues.storage_slot_type t order by t.title, t.id;
end
$$;

comment on function api.storage_slot_type_list() is
$$Lists the storage slot types by title: id, name, title, default_term (how long an assignment and each accepted renewal run),
reminder_before (how long before an expiry the member is reminded), created_at, created_by. Staff only.
Errors: 42501 not staff.$$;

grant execute on function api.storage_slot_type_list() to dues_staff;
