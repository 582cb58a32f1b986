-- How many seats of a class are taken on the days p_days by members other than p_member_id: the most members holding
-- a subscription (a recurring one by the days its billing state covers) or a confirmed order of the class on any one of
-- those days, plus the seats held for members of the waiting list whose offer runs at p_now.
create or replace function dues.class_seats_taken(p_class_id bigint, p_days daterange, p_member_id bigint, p_now timestamptz)
returns int
language sql
stable
set search_path = ''
as $$
    with taken as (
        select h.member_id, h.days
          from (select s.member_id,
                       case when r.class_subscription_id is null then s.during
                            else pg_catalog.daterange(r.start_date, r.end_date, '[]') end as days
                  from dues.class_subscription s
                  left join dues.recurring_subscription r on r.class_subscription_id = s.id
                 where s.class_id = p_class_id
                 union all
                select o.member_id, pg_catalog.daterange(o.start_date, o.end_date, '[]')
                  from dues.subscription_order o
                 where o.class_id = p_class_id and o.state = 'confirmed') h
         where h.days && p_days and h.member_id is distinct from p_member_id
    ), busiest as (
        -- the most members on one day: it is reached on the first of the days or on a day one of them begins
        select coalesce(pg_catalog.max((select pg_catalog.count(distinct t.member_id) from taken t where t.days @> d.day)), 0) as n
          from (select pg_catalog.lower(p_days) as day
                 union
                select greatest(pg_catalog.lower(t.days), pg_catalog.lower(p_days)) from taken t) d
    )
    select (b.n + (select pg_catalog.count(*)
                     from dues.class_waitlist w
                    where w.class_id = p_class_id and w.state = 'offered' and w.offer_expires_at > p_now
                      and w.member_id is distinct from p_member_id
                      and not exists (select from taken t where t.member_id = w.member_id)))::int
      from busiest b
$$;
