-- Class check of rule recurring: a known period and renewal, and periods exactly when the renewal is fixed.
create or replace function rules.class_check_recurring(p_class_params jsonb)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    if (p_class_params ->> 'period') not in ('day', 'week', 'month', 'year') then
        raise exception 'period must be day, week, month or year, got %', p_class_params ->> 'period'
            using errcode = 'DU012';
    end if;
    if (p_class_params ->> 'renewal') not in ('one_time', 'auto_renew', 'fixed') then
        raise exception 'renewal must be one_time, auto_renew or fixed, got %', p_class_params ->> 'renewal'
            using errcode = 'DU012';
    end if;
    if (p_class_params ->> 'renewal') = 'fixed' and not p_class_params ? 'periods' then
        raise exception 'renewal fixed needs periods, the number of periods before the subscription ends'
            using errcode = 'DU012';
    end if;
    if (p_class_params ->> 'renewal') <> 'fixed' and p_class_params ? 'periods' then
        raise exception 'periods is only for renewal fixed, not %', p_class_params ->> 'renewal'
            using errcode = 'DU012';
    end if;
end
$$;
