-- The days of p_from..p_to a subscription is paused, for an invoice line's description: ' (paused A to B, …)', or ''.
create or replace function dues.recurring_subscription_paused_days(p_class_subscription_id bigint, p_from date, p_to date)
returns text
language sql
stable
set search_path = ''
as $$
    select coalesce(' (paused ' || pg_catalog.string_agg(pg_catalog.lower(d.days) || ' to ' || (pg_catalog.upper(d.days) - 1), ', '
                                                         order by pg_catalog.lower(d.days)) || ')', '')
      from dues.recurring_subscription_pause p
     cross join lateral (select p.paused * pg_catalog.daterange(p_from, p_to, '[]')) d(days)
     where p.class_subscription_id = p_class_subscription_id
       and not pg_catalog.isempty(d.days)
$$;
