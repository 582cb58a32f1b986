-- Refuses (DU705) a seat of a class to a member for the days p_days when the class has seats and they are all taken on
-- one of those days (dues.class_seats_taken: others' subscriptions, confirmed orders and held offers). Takes the class's
-- seats lock first, so the seat counted free stays free until the caller's transaction ends.
create or replace function dues.class_seat_check(p_class_id bigint, p_member_id bigint, p_days daterange)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_seats int := dues.class_seats(p_class_id);
    v_taken int;
begin
    if v_seats is null then
        return;
    end if;
    perform dues.class_seats_lock(p_class_id);
    v_taken := dues.class_seats_taken(p_class_id, p_days, p_member_id, pg_catalog.now());
    if v_taken >= v_seats then
        raise exception 'class % has % seats, all taken for % to %', p_class_id, v_seats, pg_catalog.lower(p_days),
                        coalesce((pg_catalog.upper(p_days) - 1)::text, 'open end')
            using errcode = 'DU705',
                  hint = pg_catalog.format('join the waiting list (class_waitlist_join) to be offered the next free seat');
    end if;
end
$$;
