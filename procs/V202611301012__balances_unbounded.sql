-- What a member's balances and the ledger reports show, summed without a precision limit: a balance is the sum of any
-- number of postings (dues.ledger_account.balance has none), so a sum is rounded to cents, never cast to numeric(14,2).


-- The member's credit per currency: balance, reserved by confirmed orders, and available.
create or replace function api.member_balance(member_id bigint)
returns table (currency char(3), balance numeric, reserved numeric, available numeric)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_member     dues.member;
    v_currencies char(3)[];
begin
    perform dues.authorize_member(member_balance.member_id, 'use');
    v_member := dues.member_get(member_balance.member_id);
    select pg_catalog.array_agg(x.code order by x.code) into v_currencies
      from (select a.currency as code from dues.ledger_account a where a.member_id = v_member.id
            union
            select o.currency from dues.subscription_order o where o.member_id = v_member.id and o.state = 'confirmed') x;

    return query
        select c.code,
               pg_catalog.round(coalesce(a.balance, 0), 2),
               pg_catalog.round(dues.member_reserved(v_member.id, c.code), 2),
               pg_catalog.round(coalesce(a.balance, 0) - dues.member_reserved(v_member.id, c.code), 2)
          from pg_catalog.unnest(coalesce(v_currencies, array[dues.default_currency()])) as c(code)
          left join dues.ledger_account a on a.member_id = v_member.id and a.currency = c.code
         order by c.code;
end
$$;

comment on function api.member_balance(bigint) is
$$The member's credit, one row per currency the member has paid in (or a single row of zeros in the system default currency):
balance (money registered with register_payment and not yet spent on a subscription), reserved (the amounts of the member's confirmed orders
not yet turned into subscriptions) and available (balance - reserved: what order_confirm can still use).
Errors: DU014 member_id is null, DU001 unknown member.$$;

-- Has this member paid: its standing, what it owes, how late.
create or replace function api.member_standing(
    member_id           bigint,
    on_date             date default current_date,
    out standing          text,
    out standing_since    date,
    out follows_member_id bigint,
    out paid              boolean,
    out amount_due        numeric,
    out overdue           numeric,
    out currency          char(3),
    out amounts_due       jsonb,
    out oldest_due_date   date,
    out days_late         int,
    out credit            numeric
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_member  dues.member;
    v_billed  bigint;
    v_state   dues.member_standing;
    v_count   int;
begin
    perform dues.authorize_member(member_standing.member_id, 'use');
    v_member := dues.member_get(member_standing.member_id);
    perform dues.require_argument('on_date', member_standing.on_date is null);
    follows_member_id := dues.member_master(v_member.id);
    v_billed := coalesce(follows_member_id, v_member.id);   -- a linked member's standing is its master's

    select s.* into v_state from dues.member_standing s where s.member_id = v_billed;
    standing := coalesce(v_state.standing, 'good');
    standing_since := v_state.since;

    select coalesce(pg_catalog.jsonb_object_agg(x.currency, x.due), '{}'), pg_catalog.count(*),
           pg_catalog.min(x.currency), pg_catalog.min(x.oldest)
      into amounts_due, v_count, currency, oldest_due_date
      from (select i.currency, pg_catalog.sum(i.total - dues.invoice_settled(i.id)) as due, pg_catalog.min(i.due_date) as oldest
              from dues.invoice i
             where i.member_id = v_billed and i.status = 'open'
             group by i.currency) x;
    amount_due := case v_count when 0 then 0.00 when 1 then pg_catalog.round((amounts_due ->> currency)::numeric, 2) end;
    if v_count = 0 then
        currency := (select pg_catalog.min(a.currency) from dues.ledger_account a where a.member_id = v_billed);
    elsif v_count > 1 then
        currency := null;
    end if;
    select pg_catalog.round(coalesce(pg_catalog.sum(i.total - dues.invoice_settled(i.id)), 0.00), 2) into overdue
      from dues.invoice i
     where i.member_id = v_billed and i.status = 'open' and i.due_date < member_standing.on_date
       and (i.currency = member_standing.currency or v_count > 1);
    if v_count > 1 then
        overdue := null;
    end if;
    paid := not exists (select from dues.invoice i
                         where i.member_id = v_billed and i.status = 'open' and i.due_date < member_standing.on_date);
    days_late := greatest(member_standing.on_date - oldest_due_date, 0);
    credit := (select a.balance - dues.member_reserved(v_billed, a.currency)
                 from dues.ledger_account a
                where a.member_id = v_billed and a.currency = coalesce(member_standing.currency, dues.default_currency()));
    credit := pg_catalog.round(coalesce(credit, 0.00), 2);
end
$$;

comment on function api.member_standing(bigint, date) is
$$Has this member paid? standing (good, at_risk or suspended, as the collector last found it; a member never found late is good) and
standing_since; follows_member_id (a linked member's answer is its master's, who is billed for it); paid (no open invoice was due before
on_date, default today); amount_due (everything left to pay on open invoices), overdue (the part due before on_date), currency (null, as
are amount_due and overdue, when the member owes in several currencies: see amounts_due, an object by currency), oldest_due_date of an open
invoice, days_late (on_date minus that date, 0 when none is late) and credit (money registered and not yet applied or reserved).
Errors: DU014 member_id or on_date is null, DU001 unknown member, 42501 not allowed.$$;

-- Every ledger line of a member's accounts between two days, with a running balance.
create or replace function api.member_statement(member_id bigint, from_date date default null, to_date date default null)
returns table (line int, booked_on date, ledger_transaction_id bigint, kind text, memo text, invoice_number text,
               account text, currency char(3), amount numeric, balance numeric)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_member dues.member;
begin
    perform dues.authorize_member(member_statement.member_id, 'use');
    v_member := dues.member_get(member_statement.member_id);
    if member_statement.from_date > member_statement.to_date then
        raise exception 'from_date % is after to_date %', member_statement.from_date, member_statement.to_date
            using errcode = 'DU013';
    end if;
    return query
        with posting as (
            select coalesce(b.booked_on, dues.local_date(t.created_at)) as booked_on, t.id as transaction_id, p.id as posting_id,
                   t.kind, t.memo, i.number as invoice_number,
                   case when a.member_id is not null then 'credit' else 'receivable' end as account,
                   a.currency, p.amount
              from dues.ledger_account a
              join dues.ledger_posting p on p.account_id = a.id
              join dues.ledger_transaction t on t.id = p.transaction_id
              left join dues.ledger_booking b on b.ledger_transaction_id = t.id
              left join dues.invoice i on i.id = b.invoice_id
             where a.member_id = v_member.id or a.receivable_of = v_member.id
        ),
        opening as (
            select x.currency, pg_catalog.sum(x.amount) as amount
              from posting x
             where member_statement.from_date is not null and x.booked_on < member_statement.from_date
             group by x.currency
        ),
        lines as (
            select null::date as booked_on, null::bigint as transaction_id, null::bigint as posting_id,
                   'opening_balance'::text as kind, null::text as memo, null::text as invoice_number, null::text as account,
                   o.currency, o.amount, 0 as first
              from opening o
            union all
            select x.booked_on, x.transaction_id, x.posting_id, x.kind, x.memo, x.invoice_number, x.account, x.currency, x.amount, 1
              from posting x
             where (member_statement.from_date is null or x.booked_on >= member_statement.from_date)
               and (member_statement.to_date is null or x.booked_on <= member_statement.to_date)
        )
        select (pg_catalog.row_number() over w)::int,
               l.booked_on, l.transaction_id, l.kind, l.memo, l.invoice_number, l.account, l.currency, pg_catalog.round(l.amount, 2),
               pg_catalog.round(pg_catalog.sum(l.amount) over w, 2)
          from lines l
        window w as (partition by l.currency order by l.first, l.booked_on, l.transaction_id, l.posting_id
                     rows between unbounded preceding and current row)
         order by l.currency, l.first, l.booked_on, l.transaction_id, l.posting_id;
end
$$;

comment on function api.member_statement(bigint, date, date) is
$$A member's statement: every ledger posting on its credit account (money paid in, spent, refunded, credited back) and on its receivable
(invoices issued, settled, voided, written off) from from_date to to_date (inclusive; null: no limit), per currency in order, each with
line number, business day, ledger transaction, kind, memo, invoice number, account ("credit" or "receivable"), amount and the running
balance: credit minus what is owed (positive: the member has money left; negative: it owes). When from_date is given, the first line of
each currency is its opening balance. Applying credit to an invoice shows as two lines that cancel out.
Errors: DU014 member_id is null, DU001 unknown member, DU013 from_date after to_date, 42501 not allowed.$$;

-- What each member owes on open invoices, by how late it is on a day.
create or replace function api.report_receivables(as_of date default current_date)
returns table (member_id bigint, member_name text, currency char(3), not_due numeric, days_0_30 numeric,
               days_31_60 numeric, days_61_90 numeric, over_90 numeric, total numeric,
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
               pg_catalog.round(coalesce(pg_catalog.sum(o.due) filter (where o.late < 0), 0), 2),
               pg_catalog.round(coalesce(pg_catalog.sum(o.due) filter (where o.late between 0 and 30), 0), 2),
               pg_catalog.round(coalesce(pg_catalog.sum(o.due) filter (where o.late between 31 and 60), 0), 2),
               pg_catalog.round(coalesce(pg_catalog.sum(o.due) filter (where o.late between 61 and 90), 0), 2),
               pg_catalog.round(coalesce(pg_catalog.sum(o.due) filter (where o.late > 90), 0), 2),
               pg_catalog.round(pg_catalog.sum(o.due), 2),
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
Errors: DU014 from_month or to_month is null, DU013 from_month after to_month, 42501 not staff.$$;

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
                                                          end / x.period_count), 2)
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
