-- The storage slots a member holds now, each with its latest renewal request.
create or replace function api.member_storage_list(member_id bigint)
returns table (slot_id bigint, label text, type text, type_title text, location text, starts_on date, expires_on date, renewal_id bigint,
               renewal_requested_at timestamptz, renewal_note text, renewal_decision text, renewal_decided_at timestamptz,
               renewal_decision_note text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(member_storage_list.member_id, 'use');
    perform dues.member_get(member_storage_list.member_id);
    return query
        select s.id, s.label, t.name, t.title, s.location, a.starts_on, a.expires_on, r.id, r.requested_at, r.note, r.decision, r.decided_at,
               r.decision_note
          from dues.storage_assignment a
          join dues.storage_slot s on s.id = a.slot_id
          join dues.storage_slot_type t on t.id = s.type_id
          left join lateral (select x.* from dues.storage_renewal x where x.assignment_id = a.id order by x.id desc limit 1) r on true
         where a.member_id = member_storage_list.member_id and a.ended_on is null
         order by a.expires_on, s.id;
end
$$;

comment on function api.member_storage_list(bigint) is
$$Lists the storage slots a member holds now, soonest expiry first: slot_id, label, type (its name) and type_title, location, starts_on, expires_on
(inclusive), and the latest renewal request of that assignment: renewal_id, renewal_requested_at, renewal_note, renewal_decision
(null while open, then accepted or rejected), renewal_decided_at, renewal_decision_note. The member asks for a renewal with
storage_renewal_request; staff decide it with storage_renewal_decide.
Errors: DU014 member_id is null, DU001 unknown member, 42501 not allowed.$$;

grant execute on function api.member_storage_list(bigint) to dues_member, dues_staff;
