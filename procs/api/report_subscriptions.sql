-- New and churned recurring subscriptions per class and month (and memberships of the members who pay membership dues).
create or replace function api.report_subscriptions(from_month date, to_month date)
returns table (month date, class_id bigint, class_title text, started int, changed_in int, changed_out int, churned int)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.report_range_check(report_subscriptions.from_month, report_subscriptions.to_month);
    return query
        with months as (
            select m as first_day from dues.report_months(report_subscriptions.from_month, report_subscriptions.to_month) as m
        ),
        event as (
            select pg_catalog.date_trunc('month', r.start_date::timestamp)::date as first_day, r.class_id,
                   case when exists (select from dues.recurring_subscription o where o.replaced_by = r.class_subscription_id)
                        then 'changed_in' else 'new' end as what
              from dues.recurring_subscription r
            union all
            select pg_catalog.date_trunc('month', r.end_date::timestamp)::date, r.class_id,
                   case when r.replaced_by is not null then 'changed_out' else 'churned' end
              from dues.recurring_subscription r
             where r.end_date is not null
            union all
            -- membership dues: a member who pays them starts when its membership status comes to count as membership, and
            -- churns when it stops, under the membership dues class of its newest receipt on or before the change (a change
            -- before its first dues is no dues class's; whether it was a member before counts all its changes)
            select pg_catalog.date_trunc('month', m.changed_on::timestamp)::date, m.class_id,
                   case when m.is_member then 'new' else 'churned' end
              from (select dues.local_date(c.effective_at) as changed_on, d.class_id,
                           coalesce(sr.is_membership, false) as is_member,
                           coalesce(pg_catalog.lag(coalesce(sr.is_membership, false))
                                        over (partition by c.member_id order by c.effective_at, c.id), false) as was_member
                      from dues.membership_status_change c
                      left join dues.membership_status_rule sr on sr.id = c.rule_id
                      left join lateral (select mr.class_id from dues.membership_dues_receipt mr
                                          where mr.member_id = c.member_id
                                            and mr.received_on <= dues.local_date(c.effective_at)
                                          order by mr.received_on desc, mr.payment_id desc limit 1) d on true) m
             where m.is_member <> m.was_member and m.class_id is not null
        )
        select e.first_day, c.id, c.title,
               (pg_catalog.count(*) filter (where e.what = 'new'))::int,
               (pg_catalog.count(*) filter (where e.what = 'changed_in'))::int,
               (pg_catalog.count(*) filter (where e.what = 'changed_out'))::int,
               (pg_catalog.count(*) filter (where e.what = 'churned'))::int
          from event e
          join months mo on mo.first_day = e.first_day
          join dues.class c on c.id = e.class_id
         group by e.first_day, c.id, c.title
         order by e.first_day, c.id;
end
$$;

comment on function api.report_subscriptions(date, date) is
$$New and churned recurring subscriptions per class and month, from from_month's month to to_month's: started (new that month),
changed_in (started by a class change from another class), changed_out (ended by a class change) and churned (ended that month: a
fixed or one-time term that ran out, or a cancellation). For a membership dues class (class_set_membership_dues), the members who
pay membership dues: started when their membership status came to count as membership, churned when it stopped (docs/billing.md),
under the class of their newest receipt on or before that day (a change before their first dues is not counted). Classes and
months without any have no row. Staff only.
Errors: DU014 from_month or to_month is null, DU01C from_month after to_month, DU01D over 100 years, 42501 not staff.$$;

grant execute on function api.report_subscriptions(date, date) to dues_staff;
