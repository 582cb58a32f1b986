-- The limit for the collector (bench/run): the invoice lines one run of jobs.collect(:at) makes, written as a few
-- set-based statements (INSERT … SELECT) in one transaction. Same lines as dues.member_bill_periods: every period of a
-- recurring subscription not billed yet whose first billed day is on or before the horizon (today + invoice_lead_days),
-- at the member's dues for that period (newest override, else the class amount), prorated when the subscription covers
-- a piece of it; one draft invoice per member, provider and currency; billed_until advanced.
-- What it does NOT do, and jobs.collect does: charges (none in the benchmark's data), issuing (gapless numbers, ledger
-- postings), settling from credit, the notification mail, reminders, standing, per-member error isolation.
-- psql -v at='2026-12-01 12:00+00' -f bench/collect_limit.sql

\set ON_ERROR_STOP on
begin;

select dues.local_date(:'at'::timestamptz) as today \gset
select :'today'::date + dues.setting_int('invoice_lead_days', 14) as horizon \gset
insert into dues.collect_run (run_at, started_at) values (:'at'::timestamptz, clock_timestamp()) returning id as run \gset

create temporary table bench_due on commit drop as
with terms as (
    select c.id as class_id, c.title, c.currency, cu.minor_units,
           coalesce(c.provider_id, (select p.member_id from dues.provider p where p.broker)) as provider_id,
           x.params ->> 'period' as period, coalesce((x.params ->> 'period_count')::int, 1) as period_count,
           (x.params ->> 'amount')::numeric as amount
      from dues.class c
      join dues.currency cu on cu.code = c.currency
      cross join lateral (select dues.class_params(c.id) as params) x
     where c.rule = 'recurring'
),
subs as (
    select r.*, t.title, t.currency, t.minor_units, t.provider_id, t.period, t.period_count, t.amount,
           coalesce(r.billed_until + 1, r.start_date) as from_day,
           case t.period when 'day' then make_interval(days => t.period_count)
                         when 'week' then make_interval(weeks => t.period_count)
                         when 'month' then make_interval(months => t.period_count)
                         when 'year' then make_interval(years => t.period_count) end as unit
      from dues.recurring_subscription r
      join terms t on t.class_id = r.class_id
     where r.end_date is null or r.billed_until is null or r.billed_until < r.end_date
),
-- a first guess of the index of the period holding a day (exact within one), as in dues.period_index
guess as (
    select s.*,
           (case s.period when 'day' then (d.d - s.anchor_date)
                          when 'week' then (d.d - s.anchor_date) / 7
                          when 'month' then (extract(year from d.d) - extract(year from s.anchor_date))::int * 12
                                            + (extract(month from d.d) - extract(month from s.anchor_date))::int
                          when 'year' then (extract(year from d.d) - extract(year from s.anchor_date))::int end) / s.period_count as k_from,
           (case s.period when 'day' then (:'horizon'::date - s.anchor_date)
                          when 'week' then (:'horizon'::date - s.anchor_date) / 7
                          when 'month' then (extract(year from :'horizon'::date) - extract(year from s.anchor_date))::int * 12
                                            + (extract(month from :'horizon'::date) - extract(month from s.anchor_date))::int
                          when 'year' then (extract(year from :'horizon'::date) - extract(year from s.anchor_date))::int end) / s.period_count as k_to
      from subs s
      cross join lateral (select s.from_day as d) d
),
periods as (
    select g.*, (g.anchor_date + g.unit * k.k)::date as period_of, (g.anchor_date + g.unit * (k.k + 1))::date - 1 as natural_end
      from guess g
      cross join lateral generate_series(g.k_from - 1, g.k_to + 1) k(k)
)
select p.class_subscription_id as class_subscription_id, p.member_id, p.class_id, p.currency, p.provider_id, p.title, p.minor_units,
       p.period_of, p.natural_end,
       greatest(p.period_of, p.start_date) as period_start,
       least(p.natural_end, coalesce(p.end_date, p.natural_end)) as period_end,
       coalesce(o.amount, p.amount) as period_amount
  from periods p
  left join lateral (select o.amount from dues.period_amount_override o
                      where o.member_id = p.member_id and o.class_id = p.class_id and o.effective_from <= p.period_of
                      order by o.effective_from desc, o.id desc limit 1) o on true
 where p.natural_end >= p.from_day
   and greatest(p.period_of, p.start_date) <= :'horizon'::date
   and (p.end_date is null or greatest(p.period_of, p.start_date) <= p.end_date)
   and not exists (select from dues.invoice_line l
                    where l.class_subscription_id = p.class_subscription_id and l.period_of = p.period_of
                      and l.kind = 'period' and not l.void);

alter table bench_due add column piece numeric(14,2);
update bench_due
   set piece = case when period_start = period_of and period_end = natural_end then period_amount
                    else (round(period_amount * (period_end - period_of + 1) / (natural_end - period_of + 1), minor_units)
                          - round(period_amount * (period_start - period_of) / (natural_end - period_of + 1), minor_units)) end;

insert into dues.invoice (member_id, provider_id, currency, collect_run_id)
select distinct d.member_id, d.provider_id, d.currency, :run
  from bench_due d
 where d.piece > 0
 order by 1, 2, 3;

insert into dues.invoice_line (invoice_id, kind, class_id, class_subscription_id, description,
                               period_of, period_start, period_end, due_date, amount, period_amount)
select i.id, 'period', d.class_id, d.class_subscription_id, format('%s, %s to %s', d.title, d.period_start, d.period_end),
       d.period_of, d.period_start, d.period_end, d.period_start, d.piece, d.period_amount
  from bench_due d
  join dues.invoice i on i.member_id = d.member_id and i.provider_id = d.provider_id and i.currency = d.currency
                     and i.status = 'draft' and i.collect_run_id = :run
 where d.piece > 0
 order by d.member_id, d.class_subscription_id, d.period_of;

update dues.invoice i
   set total = s.total
  from (select l.invoice_id, sum(l.amount) as total
          from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
         where i.collect_run_id = :run group by l.invoice_id) s
 where i.id = s.invoice_id;

update dues.recurring_subscription r
   set billed_until = greatest(r.billed_until, b.until)
  from (select class_subscription_id, max(period_end) as until from bench_due group by class_subscription_id) b
 where r.class_subscription_id = b.class_subscription_id;

update dues.collect_run set finished_at = clock_timestamp() where id = :run;
commit;
