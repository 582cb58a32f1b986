-- What the part of a class subscription after a last day (p_end) cost of what was paid for it: all of it when p_end is
-- before its start; else, for a pack of sessions (its order asked for "sessions"), the sessions not used, and for a
-- subscription with a last day, the days after p_end (prorated by days as dues.period_piece prorates a period); nothing
-- for an open-ended subscription that has begun.
create or replace function dues.class_subscription_unused(p_sub dues.class_subscription, p_end date)
returns numeric
language plpgsql
stable
set search_path = ''
as $$
declare
    v_order    dues.subscription_order;
    v_paid     numeric;
    v_sessions int;
    v_unused   int;
begin
    select o.* into strict v_order from dues.subscription_order o where o.id = p_sub.order_id;
    v_paid := case when p_sub.ledger_transaction_id is null then 0 else v_order.amount end;
    if v_paid = 0 then
        return 0;
    end if;
    if p_end < p_sub.start_date then
        return v_paid;
    end if;
    if v_order.params ? 'sessions' then
        v_sessions := (v_order.params ->> 'sessions')::int;
        v_unused := greatest(v_sessions - dues.class_subscription_sessions_used(p_sub.id), 0);
        return (select pg_catalog.round(v_paid * v_unused / v_sessions, c.minor_units)
                  from dues.currency c where c.code = v_order.currency);
    end if;
    if p_sub.end_date is null or p_end >= p_sub.end_date then
        return 0;
    end if;
    return dues.period_piece(v_paid, v_order.currency, p_sub.start_date, p_sub.end_date, p_end + 1, p_sub.end_date);
end
$$;
