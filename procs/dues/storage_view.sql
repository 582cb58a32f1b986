create or replace function dues.storage_view(p_assignment_id bigint)
returns dues.storage_view
language sql
stable
set search_path = ''
as $$
    select s.id, s.label, t.name, s.location, a.id, a.member_id, m.name, a.starts_on, a.expires_on, a.reminded_for,
           a.flagged_on, a.flag_reason,
           (select r.id from dues.storage_renewal r where r.assignment_id = a.id and r.decided_at is null)
      from dues.storage_assignment a
      join dues.storage_slot s on s.id = a.slot_id
      join dues.storage_slot_type t on t.id = s.type_id
      join dues.member m on m.id = a.member_id
     where a.id = p_assignment_id
$$;
