-- Every storage slot with its type and, when it is assigned, its holder.
create or replace function api.storage_slot_list(free_only boolean default false)
returns table (slot_id bigint, label text, type_id bigint, type text, type_title text, location text, member_id bigint,
               member_name text, expires_on date)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('free_only', storage_slot_list.free_only is null);
    return query
        select s.id, s.label, t.id, t.name, t.title, s.location, a.member_id, m.name, a.expires_on
          from dues.storage_slot s
          join dues.storage_slot_type t on t.id = s.type_id
          left join dues.storage_assignment a on a.slot_id = s.id and a.ended_on is null
          left join dues.member m on m.id = a.member_id
         where not storage_slot_list.free_only or a.id is null
         order by s.label, s.id;
end
$$;

comment on function api.storage_slot_list(boolean) is
$$Lists every storage slot by label: slot_id, label, its type (type_id, type, type_title), location, and its holder now (member_id,
member_name, expires_on; null when the slot is free). free_only: only the free slots, those storage_assign may give. The slots in
use with their reminders, flags and renewal requests: storage_list. Staff only.
Errors: DU014 free_only is null, 42501 not staff.$$;

grant execute on function api.storage_slot_list(boolean) to dues_staff;
