-- First day of period k counted from the anchor (k = 0 starts on the anchor; k < 0 are periods before it).
-- Always computed from the anchor, so month ends do not drift: 31 Jan, 28 Feb, 31 Mar.
create or replace function dues.period_start(p_anchor date, p_period text, p_count int, p_k int)
returns date
language sql
immutable
set search_path = ''
as $$
    select (p_anchor + dues.period_interval(p_period, p_count, p_k))::date
$$;
