-- The member took a seat of the class (it confirmed an order): its place in the class's waiting list, waiting or
-- offered, is served.
create or replace function dues.class_waitlist_served(p_class_id bigint, p_member_id bigint)
returns void
language sql
set search_path = ''
as $$
    update dues.class_waitlist w
       set state = 'served', ended_at = pg_catalog.now(), ended_by = dues.actor()
     where w.class_id = p_class_id and w.member_id = p_member_id and w.state in ('waiting', 'offered')
$$;
