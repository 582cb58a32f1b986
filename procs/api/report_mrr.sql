-- Monthly recurring revenue at the end of each month.
create or replace function api.report_mrr(from_month date, to_month date)
returns table (month date, currency char(3), subscriptions int, mrr numeric)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.report_range_check(report_mrr.from_month, report_mrr.to_month);
    return query
        with months as (
            select m as first_day, (m + interval '1 month')::date - 1 as last_day
              from dues.report_months(report_mrr.from_month, report_mrr.to_month) as m
        ),
        running as (
            select mo.first_day, c.currency,
                   a.amount - case when d.id is not null and (d.ended_at is null or dues.local_date(d.ended_at) > mo.last_day)
                                        and (d.periods is null
                                             or dues.period_index(r.anchor_date, t.period, t.period_count, mo.last_day)
                                                - dues.period_index(r.anchor_date, t.period, t.period_count, r.start_date)
                                                < d.periods)
                                   then dues.discount_off(d, a.amount, c.currency) else 0 end as amount,
                   t.period, t.period_count
              from months mo
              join dues.recurring_subscription r
                on r.start_date <= mo.last_day and (r.end_date is null or r.end_date >= mo.last_day)
              join dues.class c on c.id = r.class_id
             cross join lateral dues.recurring_terms(r.class_id) t
             cross join lateral (select dues.period_amount(r.member_id, r.class_id, mo.last_day) as amount) a
              left join dues.discount_claim dc
                on dc.order_id = (select s.order_id from dues.class_subscription s where s.id = r.class_subscription_id)
              left join dues.discount d on d.id = dc.discount_id
             where not exists (select from dues.recurring_subscription_pause p
                                where p.class_subscription_id = r.class_subscription_id and p.paused @> mo.last_day)
        )
        select x.first_day, x.currency, pg_catalog.count(*)::int,
               pg_catalog.round(pg_catalog.sum(x.amount * case x.period
                                                              when 'day' then 365.0 / 12
                                                              when 'week' then 52.0 / 12
                                                              when 'month' then 1
                                                              when 'year' then 1.0 / 12
                                                          end / x.period_count), 2)
          from running x
         where x.amount > 0
         group by x.first_day, x.currency
         order by x.first_day, x.currency;
end
$$;

comment on function api.report_mrr(date, date) is
$$Monthly recurring revenue for each month from from_month's to to_month's: the recurring subscriptions running on the last day of the
month (started, not ended, not paused that day), with what each member pays per period then (its period amount override, the household_amount of a household's
master, or the class amount; free ones are left out), less what its discount takes off that period (while the discount is not ended and
has periods left: a discount of periods N counts for the subscription's first N periods),
brought to a month (a year / 12, a week x 52 / 12, a day x 365 / 12, divided by the period count), summed per currency and rounded to
cents, with the number of subscriptions. Months with none have no row. Staff only.
Errors: DU014 from_month or to_month is null, DU01C from_month after to_month, DU01D over 100 years, 42501 not staff.$$;

grant execute on function api.report_mrr(date, date) to dues_staff;
