-- Passes freed seats to the waiting lists: in every class with members waiting or offered a seat, offers that ran out
-- by p_now are expired and each seat free from that day on is offered to the next in line. Safe to run again and
-- concurrently (each class under its seats lock).
create or replace function jobs.class_waitlist(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_class   bigint;
    v_classes int := 0;
    v_offers  int := 0;
begin
    perform dues.require_argument('now', p_now is null);
    for v_class in
        select distinct w.class_id from dues.class_waitlist w where w.state in ('waiting', 'offered') order by w.class_id
    loop
        v_offers := v_offers + dues.class_waitlist_offer(v_class, p_now);
        v_classes := v_classes + 1;
    end loop;
    return pg_catalog.jsonb_build_object('now', p_now, 'classes', v_classes, 'offers', v_offers);
end
$$;
