-- Reminds each member once per expiry, its slot type's reminder_before ahead;
-- flags the slots of members who left (no longer in group members) and
-- unflags those who came back. Idempotent for a given now, safe concurrently.
create or replace function jobs.storage_remind(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_on        date := dues.local_date(p_now);
    v_members   bigint := (dues.group_by_key('members')).id;
    v_row       record;
    v_reminded  int := 0;
    v_flagged   int := 0;
    v_unflagged int := 0;
begin
    perform dues.require_argument('now', p_now is null);
    perform dues.audit_why('storage_remind job');
    -- each row is claimed by its update: a concurrent run waits, then finds it done
    for v_row in
        update dues.storage_assignment a
           set reminded_for = a.expires_on
          from dues.storage_slot s
          join dues.storage_slot_type t on t.id = s.type_id
         where s.id = a.slot_id and a.ended_on is null
           and a.reminded_for is distinct from a.expires_on
           and (a.expires_on - t.reminder_before)::date <= v_on
           and a.expires_on >= v_on
        returning a.id, a.member_id, a.expires_on, s.label, s.location
    loop
        perform dues.outbox_enqueue('email', 'storage_reminder', m.email,
                    pg_catalog.jsonb_build_object('name', m.name, 'slot', v_row.label, 'location', coalesce(v_row.location, ''),
                                                  'expires_on', v_row.expires_on), p_now)
           from dues.member m where m.id = v_row.member_id;
        v_reminded := v_reminded + 1;
    end loop;

    update dues.storage_assignment a
       set flagged_on = v_on, flag_reason = 'member left: not in group members'
     where a.ended_on is null and a.flagged_on is null
       and not dues.member_in_group(a.member_id, v_members, v_on);
    get diagnostics v_flagged = row_count;
    update dues.storage_assignment a
       set flagged_on = null, flag_reason = null
     where a.ended_on is null and a.flagged_on is not null
       and dues.member_in_group(a.member_id, v_members, v_on);
    get diagnostics v_unflagged = row_count;
    perform dues.audit_why(null);
    return pg_catalog.jsonb_build_object('now', p_now, 'reminded', v_reminded, 'flagged', v_flagged, 'unflagged', v_unflagged);
end
$$;
