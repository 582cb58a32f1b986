-- What each class earned per month, from its revenue account's postings.
create or replace function api.report_revenue(from_month date, to_month date)
returns table (month date, class_id bigint, class_title text, provider_id bigint, currency char(3), billed numeric,
               reversed numeric, revenue numeric)
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
               pg_catalog.round(coalesce(pg_catalog.sum(x.amount) filter (where x.amount > 0), 0), 2),
               pg_catalog.round(coalesce(-pg_catalog.sum(x.amount) filter (where x.amount < 0), 0), 2),
               pg_catalog.round(pg_catalog.sum(x.amount), 2)
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
Errors: DU014 from_month or to_month is null, DU01C from_month after to_month, DU01D over 100 years, 42501 not staff.$$;

grant execute on function api.report_revenue(date, date) to dues_staff;
