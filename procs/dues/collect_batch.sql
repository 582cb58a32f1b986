-- Everything the collector does for a batch of members (p_members, in the collector's order), set-based, under their
-- locks: the lines of every period and charge due computed in one statement (period_amount, period_piece_billable,
-- discount_line), the run's drafts (one per member, provider and currency) made and the lines written in one statement
-- each, the drafts issued together (dues.invoices_issue: numbers taken once per provider and year), then credit
-- settled, the invoice_issued mails queued, reminders queued and standing updated for the members that need it.
-- Raises when any member's work fails: the caller (jobs.collect) rolls the batch back and calls it again for each
-- member alone, so that the one that fails is rolled back alone. Returns the counts of the batch.
create or replace function dues.collect_batch(p_members bigint[], p_today date, p_horizon date, p_at timestamptz, p_run_id bigint)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_billed      bigint[];
    v_lines       dues.collect_line[];
    v_renewals    int;
    v_ended       int;
    v_periods     int;
    v_charges     dues.collect_line[];
    v_invoices    bigint[];
    v_discounted  bigint[];
    v_line        dues.collect_line;
    v_row         record;
    v_settlements int := 0;
    v_reminders   int := 0;
    v_changes     int := 0;
begin
    -- every member's lock, in id order (as dues.member_lock takes it)
    if (select pg_catalog.count(*)
          from (select from dues.member m where m.id = any (p_members) order by m.id for no key update of m) x)
       <> pg_catalog.cardinality(p_members) then
        raise exception 'a member of the batch was not found'
            using errcode = 'DU001';
    end if;
    -- billed themselves: the members not linked to a master now, in the collector's order
    v_billed := array(select b.member_id
                        from pg_catalog.unnest(p_members) with ordinality b(member_id, seq)
                       where dues.member_master(b.member_id) is null
                       order by b.seq);

    -- the periods due, for all the batch's subscriptions at once
    with billed as (
        select b.member_id, b.seq::int as seq from pg_catalog.unnest(v_billed) with ordinality b(member_id, seq)
    ),
    subs as materialized (
        select b.seq, r.member_id, r.class_subscription_id, r.class_id, r.anchor_date, r.start_date, r.end_date, r.billed_until
          from billed b
          join dues.recurring_subscription r on r.member_id = b.member_id
         where r.end_date is null or r.billed_until is null or r.billed_until < r.end_date
    ),
    terms as materialized (
        select t.class_id, t.period, t.period_count, t.currency, t.renewal, c.title
          from (select distinct s.class_id from subs s) x
         cross join lateral dues.recurring_terms(x.class_id) t
          join dues.class c on c.id = x.class_id
    ),
    -- the periods from each first day not billed yet to the horizon, once per anchor, terms and first day (members who
    -- started on the same day share them)
    spans as materialized (
        select x.anchor_date, x.period, x.period_count, x.from_day, p.p_start, p.p_end
          from (select distinct s.anchor_date, t.period, t.period_count, coalesce(s.billed_until + 1, s.start_date) as from_day
                  from subs s
                  join terms t on t.class_id = s.class_id) x
         cross join lateral pg_catalog.generate_series(
                   dues.period_index(x.anchor_date, x.period, x.period_count, x.from_day),
                   dues.period_index(x.anchor_date, x.period, x.period_count, p_horizon)) k(k)
         cross join lateral (select dues.period_start(x.anchor_date, x.period, x.period_count, k.k) as p_start,
                                    dues.period_start(x.anchor_date, x.period, x.period_count, k.k + 1) - 1 as p_end) p
    ),
    periods as materialized (
        select s.*, t.currency, t.renewal, t.title, p.p_start, p.p_end,
               greatest(p.p_start, s.start_date) as p_from,
               least(p.p_end, coalesce(s.end_date, p.p_end)) as p_to
          from subs s
          join terms t on t.class_id = s.class_id
          join spans p on p.anchor_date = s.anchor_date and p.period = t.period and p.period_count = t.period_count
                      and p.from_day = coalesce(s.billed_until + 1, s.start_date)
         where greatest(p.p_start, s.start_date) <= p_horizon
           and (s.end_date is null or greatest(p.p_start, s.start_date) <= s.end_date)
    ),
    unbilled as materialized (
        select p.*, dues.period_amount(p.member_id, p.class_id, p.p_start) as period_amount
          from periods p
         where not exists (select from dues.invoice_line l
                            where l.class_subscription_id = p.class_subscription_id and l.period_of = p.p_start
                              and l.kind = 'period' and not l.void)
    ),
    priced as materialized (
        select u.*, dues.period_piece_billable(u.class_subscription_id, u.period_amount, u.currency,
                                               u.p_start, u.p_end, u.p_from, u.p_to) as piece
          from unbilled u
    ),
    advanced as (
        update dues.recurring_subscription r
           set billed_until = a.until
          from (select p.class_subscription_id, greatest(pg_catalog.max(p.p_to), pg_catalog.max(p.billed_until)) as until
                  from periods p
                 group by p.class_subscription_id) a
         where r.class_subscription_id = a.class_subscription_id
           and a.until is distinct from r.billed_until
        returning r.billed_until >= r.end_date as ended
    )
    select array(select row(p.seq, p.member_id, dues.class_provider(p.class_id), p.currency, 'period', p.class_id,
                            p.class_subscription_id, null, pg_catalog.format('%s, %s to %s', p.title, p.p_from, p.p_to)
                                || dues.recurring_subscription_paused_days(p.class_subscription_id, p.p_from, p.p_to),
                            p.p_start, p.p_from, p.p_to, p.p_from, p.piece, p.period_amount,
                            pg_catalog.row_number() over (partition by p.member_id order by p.class_subscription_id, p.p_start)::int
                           )::dues.collect_line
                   from priced p
                  where p.piece > 0
                  order by p.seq, p.class_subscription_id, p.p_start),
           (select pg_catalog.count(*) from priced p
             where p.renewal = 'auto_renew' and p.p_to > coalesce(p.billed_until, p.start_date - 1))::int,
           (select pg_catalog.count(*) from advanced a where a.ended)::int
      into v_lines, v_renewals, v_ended;
    v_periods := pg_catalog.cardinality(v_lines);

    -- the charges due, after the member's periods
    v_charges := array(
        select row(b.seq::int, c.member_id, dues.class_provider(c.class_id), c.currency, c.kind, c.class_id, c.class_subscription_id,
                   c.id, c.description, null, null, null, c.due_date, c.amount, null,
                   (1000000 + pg_catalog.row_number() over (partition by c.member_id order by c.due_date, c.id))::int)::dues.collect_line
          from pg_catalog.unnest(v_billed) with ordinality b(member_id, seq)
          join dues.charge c on c.member_id = b.member_id
         where c.due_date <= p_horizon
           and not exists (select from dues.charge_cancellation k where k.charge_id = c.id)
           and not exists (select from dues.invoice_line l where l.charge_id = c.id and not l.void)
         order by b.seq, c.due_date, c.id);
    v_lines := v_lines || v_charges;

    -- the run's draft invoices, one per member, provider and currency
    with made as (
        insert into dues.invoice (member_id, provider_id, currency, collect_run_id)
        select n.member_id, n.provider_id, n.currency, p_run_id
          from (select l.member_id, l.provider_id, l.currency, pg_catalog.min(l.seq) as seq, pg_catalog.min(l.ord) as ord
                  from pg_catalog.unnest(v_lines) l
                 group by l.member_id, l.provider_id, l.currency) n
         where not exists (select from dues.invoice i
                            where i.member_id = n.member_id and i.provider_id = n.provider_id and i.currency = n.currency
                              and i.status = 'draft' and i.collect_run_id = p_run_id)
         order by n.seq, n.ord
        returning id
    )
    insert into dues.invoice_status_change (invoice_id, from_status, to_status, changed_on, reason)
    select m.id, null, 'draft', dues.local_date(r.run_at), 'collector run ' || r.id
      from made m
     cross join dues.collect_run r
     where r.id = p_run_id
     order by m.id;

    -- the lines: set-based, but for members with a discount, whose period lines are each followed by their discount
    -- line (dues.discount_line), one by one in order, as member by member
    v_discounted := array(select distinct l.member_id
                            from pg_catalog.unnest(v_lines) l
                           where l.kind = 'period'
                             and exists (select from dues.class_subscription s
                                           join dues.discount_claim c on c.order_id = s.order_id
                                          where s.id = l.class_subscription_id));
    insert into dues.invoice_line (invoice_id, kind, class_id, class_subscription_id, charge_id, description,
                                   period_of, period_start, period_end, due_date, amount, period_amount)
    select i.id, l.kind, l.class_id, l.class_subscription_id, l.charge_id, l.description,
           l.period_of, l.period_start, l.period_end, l.due_date, l.amount, l.period_amount
      from pg_catalog.unnest(v_lines) l
      join dues.invoice i on i.member_id = l.member_id and i.provider_id = l.provider_id and i.currency = l.currency
                         and i.status = 'draft' and i.collect_run_id = p_run_id
     where l.member_id <> all (v_discounted)
     order by l.seq, l.ord;
    for v_line in
        select l.* from pg_catalog.unnest(v_lines) l where l.member_id = any (v_discounted) order by l.seq, l.ord
    loop
        insert into dues.invoice_line (invoice_id, kind, class_id, class_subscription_id, charge_id, description,
                                       period_of, period_start, period_end, due_date, amount, period_amount)
        select i.id, v_line.kind, v_line.class_id, v_line.class_subscription_id, v_line.charge_id, v_line.description,
               v_line.period_of, v_line.period_start, v_line.period_end, v_line.due_date, v_line.amount, v_line.period_amount
          from dues.invoice i
         where i.member_id = v_line.member_id and i.provider_id = v_line.provider_id and i.currency = v_line.currency
           and i.status = 'draft' and i.collect_run_id = p_run_id;
        if v_line.kind = 'period' then
            perform dues.discount_line(v_line.class_subscription_id, v_line.period_of);
        end if;
    end loop;

    -- issued together: the run's drafts of the batch's members, in the collector's order
    v_invoices := array(select i.id
                          from pg_catalog.unnest(v_billed) with ordinality b(member_id, seq)
                          join dues.invoice i on i.member_id = b.member_id
                         where i.status = 'draft' and i.collect_run_id = p_run_id
                         order by b.seq, i.provider_id, i.currency, i.id);
    perform dues.invoices_issue(v_invoices, p_today);

    -- credit applied (dues.member_settle) where the member has some in a currency of its open invoices
    for v_row in
        select b.member_id, a.currency
          from pg_catalog.unnest(v_billed) with ordinality b(member_id, seq)
          join dues.ledger_account a on a.member_id = b.member_id and a.balance > 0
         where exists (select from dues.invoice i
                        where i.member_id = b.member_id and i.currency = a.currency and i.status = 'open')
         order by b.seq, a.currency
    loop
        v_settlements := v_settlements + dues.member_settle(v_row.member_id, v_row.currency, p_today);
    end loop;

    -- the invoice_issued mails
    perform dues.invoices_notify(v_invoices, p_at);

    -- reminders, for members with an open invoice past due
    for v_row in
        select b.member_id
          from pg_catalog.unnest(v_billed) with ordinality b(member_id, seq)
         where exists (select from dues.invoice i
                        where i.member_id = b.member_id and i.status = 'open' and i.due_date < p_today)
         order by b.seq
    loop
        v_reminders := v_reminders + dues.member_remind(v_row.member_id, p_today, p_at);
    end loop;

    -- standing, every member in the collector's order (masters before their linked members)
    for v_row in
        select b.member_id from pg_catalog.unnest(p_members) with ordinality b(member_id, seq) order by b.seq
    loop
        v_changes := v_changes + dues.member_standing_update(v_row.member_id, p_today, p_at, p_run_id);
    end loop;

    return pg_catalog.jsonb_build_object(
        'members', pg_catalog.cardinality(p_members),
        'invoices', pg_catalog.cardinality(v_invoices),
        'lines', v_periods + pg_catalog.cardinality(v_charges),
        'renewals', v_renewals,
        'ended', v_ended,
        'settlements', v_settlements,
        'reminders', v_reminders,
        'standing_changes', v_changes);
end
$$;
