-- Passes a class's free seats to its waiting list at p_now: offers that ran out are expired, then each seat free from
-- the day of p_now on is offered to the next member in line (first joined first), held for setting
-- class_seat_offer_hours and told by e-mail (template class_seat_offered). Returns the number of offers made.
create or replace function dues.class_waitlist_offer(p_class_id bigint, p_now timestamptz)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_class  dues.class := dues.class_get(p_class_id);
    v_seats  int := dues.class_seats(p_class_id);
    v_hours  int := dues.setting_int('class_seat_offer_hours', 48);
    v_free   int;
    v_entry  dues.class_waitlist;
    v_offers int := 0;
begin
    perform dues.class_seats_lock(p_class_id);
    update dues.class_waitlist w
       set state = 'expired', ended_at = p_now, ended_by = dues.actor()
     where w.class_id = p_class_id and w.state = 'offered' and w.offer_expires_at <= p_now;
    if v_class.closed_at is not null then
        return 0;
    end if;
    v_free := case when v_seats is null then 2147483647
                   else v_seats - dues.class_seats_taken(p_class_id, pg_catalog.daterange(dues.local_date(p_now), null),
                                                         null, p_now) end;
    for v_entry in
        select w.* from dues.class_waitlist w
         where w.class_id = p_class_id and w.state = 'waiting'
         order by w.joined_at, w.id
         limit greatest(v_free, 0)
    loop
        update dues.class_waitlist w
           set state = 'offered', offered_at = p_now, offer_expires_at = p_now + pg_catalog.make_interval(hours => v_hours),
               outbox_id = dues.outbox_enqueue('email', 'class_seat_offered', dues.billing_recipient(v_entry.member_id),
                               pg_catalog.jsonb_build_object(
                                   'name', (select m.name from dues.member m where m.id = v_entry.member_id),
                                   'class', v_class.title, 'class_id', v_class.id,
                                   'expires_at', pg_catalog.to_char((p_now + pg_catalog.make_interval(hours => v_hours))
                                                                    at time zone coalesce(nullif(dues.setting_text('local_timezone'), ''), 'UTC'),
                                                                    'YYYY-MM-DD HH24:MI')),
                               p_now)
         where w.id = v_entry.id;
        v_offers := v_offers + 1;
    end loop;
    return v_offers;
end
$$;
