-- A member's recurring subscriptions with their billing state.
create or replace function api.recurring_subscription_list(member_id bigint)
returns table (class_subscription_id bigint, class_id bigint, class_title text, service_order_id bigint, start_date date,
               end_date date, billed_until date, renewal text, period text, period_amount numeric(14,2), currency char(3),
               replaced_by bigint, cancelled_at timestamptz, pauses jsonb)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(recurring_subscription_list.member_id, 'use');
    perform dues.member_get(recurring_subscription_list.member_id);
    return query
        select r.class_subscription_id, c.id, c.title, r.service_order_id, r.start_date, r.end_date, r.billed_until,
               (dues.recurring_terms(c.id)).renewal,
               (dues.recurring_terms(c.id)).period_count || ' ' || (dues.recurring_terms(c.id)).period,
               dues.period_amount(r.member_id, c.id, greatest(coalesce(r.billed_until + 1, r.start_date), dues.local_date(pg_catalog.now())))::numeric(14,2),
               c.currency, r.replaced_by, r.ended_at,
               coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'id', p.id, 'from_date', p.from_date, 'until_date', p.until_date, 'resumed_on', p.resumed_on,
                                    'paused_from', pg_catalog.lower(p.paused), 'paused_until', pg_catalog.upper(p.paused) - 1,
                                    'why', p.why) order by p.from_date, p.id)
                           from dues.recurring_subscription_pause p where p.class_subscription_id = r.class_subscription_id),
                        '[]')
          from dues.recurring_subscription r
          join dues.class c on c.id = r.class_id
         where r.member_id = recurring_subscription_list.member_id
         order by r.start_date, r.class_subscription_id;
end
$$;

comment on function api.recurring_subscription_list(bigint) is
$$Lists a member's recurring subscriptions, oldest first: subscription id, class, service order, start_date and end_date (last day;
null while it renews), billed_until (every day up to it is invoiced: the renewal horizon), renewal, period ("1 month"), the period_amount of its
next period (the member's override or the class amount), currency, replaced_by (after a class change), cancelled_at and pauses
(oldest first, each {id, from_date, until_date, resumed_on, paused_from, paused_until, why}: the days paused now, null when it was
removed).
Errors: DU014 member_id is null, DU001 unknown member, 42501 not allowed.$$;

grant execute on function api.recurring_subscription_list(bigint) to dues_member, dues_staff;
