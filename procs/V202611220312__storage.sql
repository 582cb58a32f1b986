-- Storage slots: the api (types, slots, assignment, renewals) and jobs.storage_remind.

-- The slot with this id; DU014 when null, DU131 when unknown.
create function dues.storage_slot_get(p_slot_id bigint)
returns dues.storage_slot
language plpgsql
stable
set search_path = ''
as $$
declare
    v_slot dues.storage_slot;
begin
    perform dues.require_argument('slot_id', p_slot_id is null);
    select s.* into v_slot from dues.storage_slot s where s.id = p_slot_id;
    if not found then
        raise exception 'storage slot % not found', p_slot_id using errcode = 'DU131';
    end if;
    return v_slot;
end
$$;

-- The current assignment of a slot, locked; DU132 when the slot is free.
create function dues.storage_assignment_lock(p_slot_id bigint)
returns dues.storage_assignment
language plpgsql
set search_path = ''
as $$
declare
    v_assignment dues.storage_assignment;
begin
    select a.* into v_assignment from dues.storage_assignment a where a.slot_id = p_slot_id and a.ended_on is null for update;
    if not found then
        raise exception 'storage slot % is not assigned', p_slot_id using errcode = 'DU132';
    end if;
    return v_assignment;
end
$$;

-- What the api shows of an assignment.
create type dues.storage_view as (
    slot_id         bigint,
    label           text,
    type            text,
    location        text,
    assignment_id   bigint,
    member_id       bigint,
    member_name     text,
    starts_on       date,
    expires_on      date,
    reminded_for    date,
    flagged_on      date,
    flag_reason     text,
    open_renewal_id bigint
);

create function dues.storage_view(p_assignment_id bigint)
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

create function api.storage_type_create(name text, title text, default_term interval, reminder_before interval default '14 days')
returns dues.storage_slot_type
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_type dues.storage_slot_type;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', storage_type_create.name is null);
    perform dues.require_argument('title', storage_type_create.title is null);
    perform dues.require_argument('default_term', storage_type_create.default_term is null);
    perform dues.require_argument('reminder_before', storage_type_create.reminder_before is null);
    if storage_type_create.name !~ '^[a-z][a-z0-9_]*$' or pg_catalog.btrim(storage_type_create.title) = ''
       or storage_type_create.default_term <= interval '0' or storage_type_create.reminder_before < interval '0' then
        raise exception 'a slot type has a lower-case identifier as name, a title, a positive term and a reminder time of 0 or more'
            using errcode = 'DU013';
    end if;
    if exists (select from dues.storage_slot_type t where t.name = storage_type_create.name) then
        raise exception 'slot type name % is already used', storage_type_create.name using errcode = 'DU013';
    end if;
    insert into dues.storage_slot_type as t (name, title, default_term, reminder_before)
    values (storage_type_create.name, pg_catalog.btrim(storage_type_create.title), storage_type_create.default_term,
            storage_type_create.reminder_before)
    returning t.* into v_type;
    return v_type;
end
$$;
comment on function api.storage_type_create(text, text, interval, interval) is
$$Creates a kind of storage slot (a shelf, a locker): default_term is how long an assignment or a renewal lasts ("3 months"),
reminder_before how long before expiry its member is reminded, once ("14 days" by default). Returns the type. Staff only.
Errors: DU014 an argument is null, DU013 bad name, blank title, term not positive, negative reminder time, used name.$$;

create function api.storage_slot_create(type_id bigint, label text, location text default null)
returns dues.storage_slot
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_slot dues.storage_slot;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('type_id', storage_slot_create.type_id is null);
    perform dues.require_argument('label', storage_slot_create.label is null);
    if not exists (select from dues.storage_slot_type t where t.id = storage_slot_create.type_id) then
        raise exception 'storage slot type % not found', storage_slot_create.type_id using errcode = 'DU130';
    end if;
    if pg_catalog.btrim(storage_slot_create.label) = '' then
        raise exception 'label must not be blank' using errcode = 'DU013';
    end if;
    if exists (select from dues.storage_slot s where s.label = pg_catalog.btrim(storage_slot_create.label)) then
        raise exception 'slot label % is already used', pg_catalog.btrim(storage_slot_create.label) using errcode = 'DU013';
    end if;
    insert into dues.storage_slot as s (type_id, label, location)
    values (storage_slot_create.type_id, pg_catalog.btrim(storage_slot_create.label), storage_slot_create.location)
    returning s.* into v_slot;
    return v_slot;
end
$$;
comment on function api.storage_slot_create(bigint, text, text) is
$$Creates a storage slot of a type, with its label (unique) and where it is. Returns the slot. Staff only.
Errors: DU014 an argument is null, DU130 unknown type, DU013 blank or used label.$$;

create function api.storage_assign(slot_id bigint, member_id bigint, starts_on date default current_date,
                                   expires_on date default null, why text default null)
returns dues.storage_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_slot dues.storage_slot;
    v_term interval;
    v_id   bigint;
begin
    perform dues.authorize_staff();
    v_slot := dues.storage_slot_get(storage_assign.slot_id);
    v_term := (select t.default_term from dues.storage_slot_type t where t.id = v_slot.type_id);
    perform dues.member_get(storage_assign.member_id);
    perform dues.require_argument('starts_on', storage_assign.starts_on is null);
    if storage_assign.expires_on < storage_assign.starts_on then
        raise exception 'expires_on % is before starts_on %', storage_assign.expires_on, storage_assign.starts_on using errcode = 'DU013';
    end if;
    perform dues.audit_why(storage_assign.why);
    begin
        insert into dues.storage_assignment as a (slot_id, member_id, starts_on, expires_on)
        values (v_slot.id, storage_assign.member_id, storage_assign.starts_on,
                coalesce(storage_assign.expires_on, (storage_assign.starts_on + v_term)::date - 1))
        returning a.id into v_id;
    exception when unique_violation then
        raise exception 'storage slot % is assigned already', v_slot.label
            using errcode = 'DU132',
                  hint = 'release it first (storage_release)';
    end;
    return dues.storage_view(v_id);
end
$$;
comment on function api.storage_assign(bigint, bigint, date, date, text) is
$$Gives a free storage slot to a member from starts_on (today by default) until expires_on (inclusive; by default the slot type's
term later). Audited with why. Returns the assignment. Staff only.
Errors: DU014 an argument is null, DU131 unknown slot, DU001 unknown member, DU013 expiry before start, DU132 slot assigned already.$$;

create function api.storage_release(slot_id bigint, why text default null)
returns dues.storage_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_assignment dues.storage_assignment;
begin
    perform dues.authorize_staff();
    perform dues.storage_slot_get(storage_release.slot_id);
    v_assignment := dues.storage_assignment_lock(storage_release.slot_id);
    perform dues.audit_why(storage_release.why);
    update dues.storage_assignment a
       set ended_on = greatest(dues.local_date(pg_catalog.now()), a.starts_on), ended_by = dues.actor(),
           end_reason = storage_release.why
     where a.id = v_assignment.id;
    -- an open renewal request ends with it
    update dues.storage_renewal r
       set decision = 'rejected', decided_at = pg_catalog.now(), decided_by = dues.actor(), decision_note = 'slot released'
     where r.assignment_id = v_assignment.id and r.decided_at is null;
    return dues.storage_view(v_assignment.id);
end
$$;
comment on function api.storage_release(bigint, text) is
$$Ends a slot's current assignment today (the member emptied it, or an admin cleared the slot of a member who left): the slot is
free again; an open renewal request is rejected with it. The assignment is kept as history, audited with why. Staff only.
Errors: DU014 slot_id is null, DU131 unknown slot, DU132 the slot is not assigned.$$;

create function api.storage_renewal_request(slot_id bigint, note text default null)
returns dues.storage_renewal
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_assignment dues.storage_assignment;
    v_request    dues.storage_renewal;
begin
    perform dues.storage_slot_get(storage_renewal_request.slot_id);
    v_assignment := dues.storage_assignment_lock(storage_renewal_request.slot_id);
    perform dues.authorize_member(v_assignment.member_id);
    select r.* into v_request from dues.storage_renewal r where r.assignment_id = v_assignment.id and r.decided_at is null;
    if not found then
        insert into dues.storage_renewal as r (assignment_id, note)
        values (v_assignment.id, storage_renewal_request.note)
        returning r.* into v_request;
    end if;
    return v_request;
end
$$;
comment on function api.storage_renewal_request(bigint, text) is
$$Asks to renew the current assignment of a storage slot, with a note for the admin. Asking again while a request is open returns
that request. The member holding the slot may ask. Returns the request.
Errors: DU014 slot_id is null, DU131 unknown slot, DU132 the slot is not assigned.$$;

create function api.storage_renewal_decide(renewal_id bigint, accept boolean, note text default null)
returns dues.storage_renewal
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_request    dues.storage_renewal;
    v_assignment dues.storage_assignment;
    v_view       dues.storage_view;
    v_member     dues.member;
    v_expires    date;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('renewal_id', storage_renewal_decide.renewal_id is null);
    perform dues.require_argument('accept', storage_renewal_decide.accept is null);
    select r.* into v_request from dues.storage_renewal r where r.id = storage_renewal_decide.renewal_id for update;
    if not found then
        raise exception 'storage renewal request % not found', storage_renewal_decide.renewal_id using errcode = 'DU133';
    end if;
    if v_request.decided_at is not null then
        raise exception 'storage renewal request % was % already', v_request.id, v_request.decision using errcode = 'DU134';
    end if;
    select a.* into v_assignment from dues.storage_assignment a where a.id = v_request.assignment_id for update;
    if storage_renewal_decide.accept then
        -- one more term from the current expiry
        v_expires := (v_assignment.expires_on + 1 + (select t.default_term from dues.storage_slot s
                                                       join dues.storage_slot_type t on t.id = s.type_id
                                                      where s.id = v_assignment.slot_id))::date - 1;
        perform dues.audit_why(pg_catalog.format('renewal %s accepted', v_request.id));
        update dues.storage_assignment a set expires_on = v_expires where a.id = v_assignment.id;
    end if;
    update dues.storage_renewal r
       set decision = case when storage_renewal_decide.accept then 'accepted' else 'rejected' end,
           decided_at = pg_catalog.now(), decided_by = dues.actor(), decision_note = storage_renewal_decide.note,
           new_expires_on = v_expires
     where r.id = v_request.id
    returning r.* into v_request;
    v_view := dues.storage_view(v_assignment.id);
    v_member := dues.member_get(v_assignment.member_id);
    perform dues.outbox_enqueue('email', 'storage_renewal_decided', v_member.email,
        pg_catalog.jsonb_build_object('name', v_member.name, 'slot', v_view.label, 'decision', v_request.decision,
                                      'expires_on', v_view.expires_on, 'note', coalesce(storage_renewal_decide.note, '')));
    return v_request;
end
$$;
comment on function api.storage_renewal_decide(bigint, boolean, text) is
$$Accepts (accept true: the assignment is extended by one term of its slot type from its current expiry) or rejects a storage
renewal request, with a note; the member is told by e-mail. Returns the decided request. Staff only.
Errors: DU014 an argument is null, DU133 unknown request, DU134 decided already.$$;

create function api.storage_list(flagged_only boolean default false)
returns setof dues.storage_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('flagged_only', storage_list.flagged_only is null);
    return query
        select (dues.storage_view(a.id)).*
          from dues.storage_assignment a
         where a.ended_on is null and (not storage_list.flagged_only or a.flagged_on is not null)
         order by a.expires_on, a.id;
end
$$;
comment on function api.storage_list(boolean) is
$$The storage slots in use, soonest expiry first: slot, type, location, member, dates, the expiry its member was reminded of, the
flag (set when the member left: no longer in group members) and any open renewal request. flagged_only: only flagged ones.
Staff only. Errors: DU014 flagged_only is null.$$;

-- jobs ---------------------------------------------------------------------------------------------

-- Reminds each member once per expiry, its slot type's reminder_before ahead;
-- flags the slots of members who left (no longer in group members) and
-- unflags those who came back. Idempotent for a given now, safe concurrently.
create function jobs.storage_remind(p_now timestamptz)
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

grant execute on function
    api.storage_type_create(text, text, interval, interval),
    api.storage_slot_create(bigint, text, text),
    api.storage_assign(bigint, bigint, date, date, text),
    api.storage_release(bigint, text),
    api.storage_renewal_request(bigint, text),
    api.storage_renewal_decide(bigint, boolean, text),
    api.storage_list(boolean)
to dues_staff;
