-- Puts a member in the waiting list of a class whose seats are taken; a seat free now is offered at once.
create or replace function api.class_waitlist_join(class_id bigint, member_id bigint)
returns dues.class_waitlist
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_class dues.class;
    v_entry dues.class_waitlist;
begin
    perform dues.authorize_member(class_waitlist_join.member_id, 'pay');
    perform dues.member_lock(class_waitlist_join.member_id);
    v_class := dues.class_get(class_waitlist_join.class_id);
    if v_class.closed_at is not null then
        raise exception 'class % is closed since %: it takes no new students', v_class.id, v_class.closed_at
            using errcode = 'DU30A';
    end if;
    if dues.class_seats(v_class.id) is null then
        raise exception 'class % has no seat limit: subscribe to it', v_class.id
            using errcode = 'DU706',
                  hint = 'class_subscription_request';
    end if;
    perform dues.class_seats_lock(v_class.id);
    select w.* into v_entry from dues.class_waitlist w
     where w.class_id = v_class.id and w.member_id = class_waitlist_join.member_id and w.state in ('waiting', 'offered');
    if found then
        raise exception 'member % is on the waiting list of class % since % (%)', v_entry.member_id, v_class.id,
                        v_entry.joined_at, v_entry.state
            using errcode = 'DU707';
    end if;
    if exists (select from dues.class_subscription s
                 left join dues.recurring_subscription r on r.class_subscription_id = s.id
                where s.class_id = v_class.id and s.member_id = class_waitlist_join.member_id
                  and case when r.class_subscription_id is null then s.during
                           else pg_catalog.daterange(r.start_date, r.end_date, '[]') end
                      && pg_catalog.daterange(dues.local_date(pg_catalog.now()), null))
       or exists (select from dues.subscription_order o
                   where o.class_id = v_class.id and o.member_id = class_waitlist_join.member_id and o.state = 'confirmed'
                     and (o.end_date is null or o.end_date >= dues.local_date(pg_catalog.now()))) then
        raise exception 'member % holds a seat of class % already', class_waitlist_join.member_id, v_class.id
            using errcode = 'DU708',
                  hint = 'a subscription or a confirmed order of the class, today or later';
    end if;
    insert into dues.class_waitlist as w (class_id, member_id)
    values (v_class.id, class_waitlist_join.member_id)
    returning w.* into v_entry;
    perform dues.class_waitlist_offer(v_class.id, pg_catalog.now());
    select w.* into strict v_entry from dues.class_waitlist w where w.id = v_entry.id;
    return v_entry;
end
$$;

comment on function api.class_waitlist_join(bigint, bigint) is
$$Puts a member at the end of the waiting list of a class that has seats (class parameter seats). When a seat is free from today
on (at once, or when a subscription ends or is cancelled, an order is cancelled, or the class gets more seats), it is offered to
the first in line: an e-mail (template class_seat_offered) tells the member, and the seat is held for them for setting
class_seat_offer_hours (others' order_confirm counts it taken); the member takes it with class_subscription_request, order_confirm
and class_subscription_confirm, which serve its place in the list. An offer that runs out passes to the next in line (job
class_waitlist). A member joins for itself (or a manager for its organization). Returns the place (id, class_id, member_id, state
waiting or offered, joined_at, offered_at, offer_expires_at, …).
Errors: DU014 an argument is null, DU001 unknown member, DU002 unknown class, DU30A the class is closed, DU706 the class has no seat
limit, DU707 the member is on the list already, DU708 the member holds a seat of the class already (a subscription or a confirmed
order, today or later), 42501 not allowed.$$;

grant execute on function api.class_waitlist_join(bigint, bigint) to dues_member, dues_staff;
