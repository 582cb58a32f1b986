-- What of a pause credit still holds: all of it while every day it credited is paused, nothing once none is (its pause
-- resumed before them), else the share of it that the days still paused cost (dues.period_piece, rounded to the
-- currency's minor units). A resumption charges back what stops holding.
create or replace function dues.pause_credit_held(p_pause_credit_id bigint)
returns numeric
language sql
stable
set search_path = ''
as $$
    select case when pg_catalog.isempty(k.days) then 0
                when pg_catalog.upper(k.days) - 1 >= pc.paused_until and pg_catalog.lower(k.days) <= pc.paused_from
                    then pc.amount
                else pg_catalog.round(pc.amount
                                      * dues.period_piece(l.period_amount, i.currency, l.period_of, e.period_end,
                                                          pg_catalog.lower(k.days), pg_catalog.upper(k.days) - 1)
                                      / nullif(dues.period_piece(l.period_amount, i.currency, l.period_of, e.period_end,
                                                                 pc.paused_from, pc.paused_until), 0),
                                      c.minor_units)
           end
      from dues.pause_credit pc
      join dues.recurring_subscription_pause p on p.id = pc.recurring_subscription_pause_id
      join dues.invoice_line l on l.id = pc.invoice_line_id
      join dues.invoice i on i.id = l.invoice_id
      join dues.currency c on c.code = i.currency
     cross join lateral (select pg_catalog.daterange(pc.paused_from, pc.paused_until, '[]') * p.paused) k(days)
     cross join lateral (select dues.period_start(l.period_of, t.period, t.period_count, 1) - 1
                           from dues.recurring_terms(l.class_id) t) e(period_end)
     where pc.id = p_pause_credit_id
$$;
