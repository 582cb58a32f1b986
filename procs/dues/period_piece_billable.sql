-- What the days p_from..p_to of a period p_start..p_end that costs p_amount cost a subscription, its paused days left out:
-- the sum of dues.period_piece over the stretches of those days it is not paused (0 when it is paused on all of them).
create or replace function dues.period_piece_billable(p_class_subscription_id bigint, p_amount numeric, p_currency char(3),
                                                      p_start date, p_end date, p_from date, p_to date)
returns numeric
language plpgsql
stable
set search_path = ''
as $$
declare
    v_paused datemultirange;
begin
    select pg_catalog.range_agg(p.paused) into v_paused
      from dues.recurring_subscription_pause p
     where p.class_subscription_id = p_class_subscription_id
       and p.paused && pg_catalog.daterange(p_from, p_to, '[]');
    if v_paused is null then
        return dues.period_piece(p_amount, p_currency, p_start, p_end, p_from, p_to);
    end if;
    return (select coalesce(pg_catalog.sum(dues.period_piece(p_amount, p_currency, p_start, p_end,
                                                             pg_catalog.lower(b.days), pg_catalog.upper(b.days) - 1)), 0)
              from pg_catalog.unnest(pg_catalog.datemultirange(pg_catalog.daterange(p_from, p_to, '[]')) - v_paused) b(days));
end
$$;
