-- Takes a member off the waiting list of a class; a seat held for it goes to the next in line.
create or replace function api.class_waitlist_leave(class_id bigint, member_id bigint)
returns dues.class_waitlist
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_class dues.class;
    v_entry dues.class_waitlist;
begin
    perform dues.authorize_member(class_waitlist_leave.member_id, 'pay');
    perform dues.member_lock(class_waitlist_leave.member_id);
    v_class := dues.class_get(class_waitlist_leave.class_id);
    perform dues.class_seats_lock(v_class.id);
    update dues.class_waitlist w
       set state = 'left', ended_at = pg_catalog.now(), ended_by = dues.actor()
     where w.class_id = v_class.id and w.member_id = class_waitlist_leave.member_id and w.state in ('waiting', 'offered')
    returning w.* into v_entry;
    if not found then
        raise exception 'member % is not on the waiting list of class %', class_waitlist_leave.member_id, v_class.id
            using errcode = 'DU709';
    end if;
    if v_entry.offered_at is not null then
        perform dues.class_waitlist_offer(v_class.id, pg_catalog.now());
    end if;
    return v_entry;
end
$$;

comment on function api.class_waitlist_leave(bigint, bigint) is
$$Takes a member off the waiting list of a class (its place is kept as left); a seat held for the member is offered at once to the next
in line. A member leaves for itself (or a manager for its organization). Returns the place.
Errors: DU014 an argument is null, DU001 unknown member, DU002 unknown class, DU709 the member is not on the list (waiting or offered),
42501 not allowed.$$;

grant execute on function api.class_waitlist_leave(bigint, bigint) to dues_member, dues_staff;
