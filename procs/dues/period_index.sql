-- The index k of the period that contains a day.
create or replace function dues.period_index(p_anchor date, p_period text, p_count int, p_day date)
returns int
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_k int;
begin
    -- a first guess from the day or month distance, then corrected by at most a step or two
    v_k := case p_period
               when 'day' then pg_catalog.floor((p_day - p_anchor)::numeric / p_count)
               when 'week' then pg_catalog.floor((p_day - p_anchor)::numeric / (7 * p_count))
               when 'month' then pg_catalog.floor(((extract(year from p_day) - extract(year from p_anchor)) * 12
                                                   + extract(month from p_day) - extract(month from p_anchor)) / p_count)
               when 'year' then pg_catalog.floor((extract(year from p_day) - extract(year from p_anchor)) / p_count)
           end;
    while dues.period_start(p_anchor, p_period, p_count, v_k) > p_day loop
        v_k := v_k - 1;
    end loop;
    while dues.period_start(p_anchor, p_period, p_count, v_k + 1) <= p_day loop
        v_k := v_k + 1;
    end loop;
    return v_k;
end
$$;
