-- Reports of recurring billing, for staff: receivables ageing, revenue by class and month, monthly recurring revenue,
-- new and churned subscriptions by month.

-- Refuses a report range that is missing an end (DU014), reversed or over a century (DU013).
create function dues.report_range_check(p_from date, p_to date)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    perform dues.require_argument('from_month', p_from is null);
    perform dues.require_argument('to_month', p_to is null);
    if p_from > p_to then
        raise exception 'from_month % is after to_month %', p_from, p_to
            using errcode = 'DU013';
    end if;
    if p_to - p_from > 36600 then
        raise exception 'a report covers at most 100 years, not % to %', p_from, p_to
            using errcode = 'DU013';
    end if;
end
$$;

-- The first days of the months from one day's month to another's (both included); refuses a bad range.
create function dues.report_months(p_from date, p_to date)
returns setof date
language plpgsql
immutable
set search_path = ''
as $$
begin
    perform dues.report_range_check(p_from, p_to);
    return query
        select m::date
          from pg_catalog.generate_series(pg_catalog.date_trunc('month', p_from::timestamp),
                                          pg_catalog.date_trunc('month', p_to::timestamp), interval '1 month') as g(m);
end
$$;

-- api.report_receivables --------------------------------------------------------------------------------------------

-- What each member owes on open invoices, by how late it is on a day.
create function api.report_receivables(as_of date default current_date)
returns table (member_id bigint, member_name text, currency char(3), not_due numeric(14,2), days_0_30 numeric(14,2),
               days_31_60 numeric(14,2), days_61_90 numeric(14,2), over_90 numeric(14,2), total numeric(14,2),
               oldest_due_date date)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('as_of', report_receivables.as_of is null);
    return query
        with open_amount as (
            select i.member_id, i.currency, i.due_date, report_receivables.as_of - i.due_date as late,
                   i.total - dues.invoice_settled(i.id) as due
              from dues.invoice i
             where i.status = 'open'
        )
        select o.member_id, m.name, o.currency,
               coalesce(pg_catalog.sum(o.due) filter (where o.late < 0), 0)::numeric(14,2),
               coalesce(pg_catalog.sum(o.due) filter (where o.late between 0 and 30), 0)::numeric(14,2),
               coalesce(pg_catalog.sum(o.due) filter (where o.late between 31 and 60), 0)::numeric(14,2),
               coalesce(pg_catalog.sum(o.due) filter (where o.late between 61 and 90), 0)::numeric(14,2),
               coalesce(pg_catalog.sum(o.due) filter (where o.late > 90), 0)::numeric(14,2),
               pg_catalog.sum(o.due)::numeric(14,2),
               pg_catalog.min(o.due_date)
          from open_amount o
          join dues.member m on m.id = o.member_id
         group by o.member_id, m.name, o.currency
         order by o.currency, pg_catalog.sum(o.due) desc, o.member_id;
end
$$;

comment on function api.report_receivables(date) is
$$Receivables ageing on a day (as_of, default today): for each member and currency with open invoices, what is left to pay on them
(today's amounts) by how many days past its due date it is on as_of: not_due (not yet due), days_0_30, days_31_60, days_61_90 and
over_90, with the total and the oldest due date; largest debts first. Staff only.
Errors: DU014 as_of is null, 42501 not staff.$$;

-- api.report_revenue ------------------------------------------------------------------------------------------------

-- What each class earned per month, from its revenue account's postings.
create function api.report_revenue(from_month date, to_month date)
returns table (month date, class_id bigint, class_title text, provider_id bigint, currency char(3), billed numeric(14,2),
               reversed numeric(14,2), revenue numeric(14,2))
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.report_range_check(report_revenue.from_month, report_revenue.to_month);
    return query
        with months as (
            select m as first_day from dues.report_months(report_revenue.from_month, report_revenue.to_month) as m
        ),
        posting as (
            select pg_catalog.date_trunc('month', coalesce(b.booked_on, dues.local_date(t.created_at))::timestamp)::date as first_day,
                   a.class_id, a.currency, p.amount
              from dues.ledger_account a
              join dues.ledger_posting p on p.account_id = a.id
              join dues.ledger_transaction t on t.id = p.transaction_id
              left join dues.ledger_booking b on b.ledger_transaction_id = t.id
             where a.class_id is not null
        )
        select x.first_day, c.id, c.title, coalesce(c.provider_id, (select pr.member_id from dues.provider pr where pr.broker)),
               x.currency,
               coalesce(pg_catalog.sum(x.amount) filter (where x.amount > 0), 0)::numeric(14,2),
               coalesce(-pg_catalog.sum(x.amount) filter (where x.amount < 0), 0)::numeric(14,2),
               pg_catalog.sum(x.amount)::numeric(14,2)
          from posting x
          join months mo on mo.first_day = x.first_day
          join dues.class c on c.id = x.class_id
         group by x.first_day, c.id, c.title, c.provider_id, x.currency
         order by x.first_day, c.id;
end
$$;

comment on function api.report_revenue(date, date) is
$$Revenue by class and month, from from_month's month to to_month's (any day of each month): one row per class and month with postings on
the class's revenue account, dated by their business day: billed (invoice lines issued, and prepaid subscriptions of the order flow),
reversed (voided invoices and proration credits) and revenue (billed - reversed), with the class's provider (the broker when it names none)
and currency. Staff only.
Errors: DU014 from_month or to_month is null, DU013 from_month after to_month, 42501 not staff.$$;

-- api.report_mrr ----------------------------------------------------------------------------------------------------

-- Monthly recurring revenue at the end of each month.
create function api.report_mrr(from_month date, to_month date)
returns table (month date, currency char(3), subscriptions int, mrr numeric(14,2))
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
                   dues.dues_amount(r.member_id, r.class_id, mo.last_day) as amount,
                   (dues.recurring_terms(r.class_id)).period as period,
                   (dues.recurring_terms(r.class_id)).period_count as period_count
              from months mo
              join dues.recurring_subscription r
                on r.start_date <= mo.last_day and (r.end_date is null or r.end_date >= mo.last_day)
              join dues.class c on c.id = r.class_id
        )
        select x.first_day, x.currency, pg_catalog.count(*)::int,
               pg_catalog.round(pg_catalog.sum(x.amount * case x.period
                                                              when 'day' then 365.0 / 12
                                                              when 'week' then 52.0 / 12
                                                              when 'month' then 1
                                                              when 'year' then 1.0 / 12
                                                          end / x.period_count), 2)::numeric(14,2)
          from running x
         where x.amount > 0
         group by x.first_day, x.currency
         order by x.first_day, x.currency;
end
$$;

comment on function api.report_mrr(date, date) is
$$Monthly recurring revenue for each month from from_month's to to_month's: the recurring subscriptions running on the last day of the
month (started, not ended), with what each member pays per period then (its dues override or the class amount; free ones are left out),
brought to a month (a year / 12, a week x 52 / 12, a day x 365 / 12, divided by the period count), summed per currency and rounded to
cents, with the number of subscriptions. Months with none have no row. Staff only.
Errors: DU014 from_month or to_month is null, DU013 from_month after to_month, 42501 not staff.$$;

-- api.report_subscriptions ------------------------------------------------------------------------------------------

-- New and churned recurring subscriptions per class and month.
create function api.report_subscriptions(from_month date, to_month date)
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
fixed or one-time term that ran out, or a cancellation). Classes and months without any have no row. Staff only.
Errors: DU014 from_month or to_month is null, DU013 from_month after to_month, 42501 not staff.$$;
