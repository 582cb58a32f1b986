-- Rule recurring: a class billed every period by invoices (docs/billing.md). The order costs nothing; the rule computes
-- the term: its first day and, unless it renews until cancelled, its last day. A class subscription of a recurring class
-- gets its billing state (dues.recurring_subscription) and its setup fee (dues.charge) when it is made.

-- Class check of rule recurring: a known period and renewal, and periods exactly when the renewal is fixed.
create function rules.class_check_recurring(p_class_params jsonb)
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

-- Subscription method of rule recurring: amount 0 (invoices carry the money), from start_date (default today, not in the past),
-- to the end of the term: one period (one_time), periods periods (fixed) or open-ended (auto_renew).
create function rules.class_subscribe_recurring(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                p_request_params jsonb, p_today date)
returns dues.rule_result
language plpgsql
stable
set search_path = ''
as $$
declare
    v_start         date := coalesce((p_request_params ->> 'start_date')::date, p_today);
    v_count         int  := coalesce((p_class_params ->> 'period_count')::int, 1);
    v_service_order dues.service_order;
    v_end           date;
    v_other         bigint;
begin
    if v_start < p_today then
        raise exception 'start_date % is in the past (today is %)', v_start, p_today
            using errcode = 'DU012';
    end if;
    if dues.member_master(p_member_id) is not null then
        raise exception 'member % is linked to member %: linked members are billed through their master',
                        p_member_id, dues.member_master(p_member_id)
            using errcode = 'DUB12';
    end if;
    if p_request_params ? 'service_order_id' then
        select so.* into v_service_order
          from dues.service_order so
         where so.id = (p_request_params ->> 'service_order_id')::bigint and so.member_id = p_member_id;
        if not found then
            raise exception 'service order % of member % not found', p_request_params ->> 'service_order_id', p_member_id
                using errcode = 'DUB03';
        end if;
        if v_service_order.closed_at is not null then
            raise exception 'service order % is closed', v_service_order.id
                using errcode = 'DUB18';
        end if;
    end if;

    v_end := case p_class_params ->> 'renewal'
                 when 'one_time' then dues.period_start(v_start, p_class_params ->> 'period', v_count, 1) - 1
                 when 'fixed' then dues.period_start(v_start, p_class_params ->> 'period', v_count,
                                                     (p_class_params ->> 'periods')::int) - 1
             end;

    select r.class_subscription_id into v_other
      from dues.recurring_subscription r
     where r.member_id = p_member_id and r.class_id = p_class_id
       and coalesce(r.service_order_id, 0) = coalesce(v_service_order.id, 0)
       and pg_catalog.daterange(r.start_date, r.end_date, '[]') && pg_catalog.daterange(v_start, v_end, '[]')
     limit 1;
    if found then
        raise exception 'member % already has subscription % to class % overlapping % to %',
                        p_member_id, v_other, p_class_id, v_start, coalesce(v_end::text, 'open end')
            using errcode = 'DUB10',
                  hint = 'start after it ends, cancel it, or use another service order';
    end if;
    return row(0, v_start, v_end)::dues.rule_result;
end
$$;

insert into dues.subscription_rule (name, title, description, method, class_check)
values ('recurring', 'Recurring subscription',
        'Billed every period by invoices the collector issues: an amount per period (day, week, month or year, times a count), '
        'an optional setup fee on the first invoice, and a renewal: one_time (one period), auto_renew (until cancelled) or '
        'fixed (a number of periods, then it ends). Nothing is paid through the order itself.',
        'rules.class_subscribe_recurring', 'rules.class_check_recurring');

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description) values
    ('recurring', 'period', 'text', 'class', true, 'Unit of the billing period: day, week, month or year'),
    ('recurring', 'period_count', 'positive_integer', 'class', false, 'Units per period (default 1: every month, every year, …)'),
    ('recurring', 'amount', 'money', 'class', true, 'Amount per period (a member''s dues override replaces it)'),
    ('recurring', 'setup_fee', 'money', 'class', false, 'One-off fee on the first invoice'),
    ('recurring', 'renewal', 'text', 'class', true, 'one_time, auto_renew or fixed'),
    ('recurring', 'periods', 'positive_integer', 'class', false, 'Number of periods of a fixed renewal'),
    ('recurring', 'start_date', 'date', 'request', false, 'First day of the subscription (default today; not in the past)'),
    ('recurring', 'service_order_id', 'positive_integer', 'request', false, 'The member''s service order the subscription belongs to');

-- Trigger: a class subscription of a recurring class gets its billing state and, unless its dues are 0, its setup fee.
create function dues.recurring_subscription_begin()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_terms         dues.recurring_terms;
    v_service_order bigint;
begin
    if not exists (select from dues.class c where c.id = new.class_id and c.rule = 'recurring') then
        return null;
    end if;
    v_terms := dues.recurring_terms(new.class_id);
    select (o.params ->> 'service_order_id')::bigint into v_service_order from dues.subscription_order o where o.id = new.order_id;
    if dues.member_master(new.member_id) is not null then
        raise exception 'member % is linked to member %: linked members are billed through their master',
                        new.member_id, dues.member_master(new.member_id)
            using errcode = 'DUB12';
    end if;
    begin
        insert into dues.recurring_subscription (class_subscription_id, member_id, class_id, service_order_id,
                                                 start_date, anchor_date, end_date)
        values (new.id, new.member_id, new.class_id, v_service_order, new.start_date, new.start_date, new.end_date);
    exception when exclusion_violation then
        raise exception 'member % already has a subscription to class % overlapping % to %',
                        new.member_id, new.class_id, new.start_date, coalesce(new.end_date::text, 'open end')
            using errcode = 'DUB10',
                  hint = 'start after it ends, cancel it, or use another service order';
    end;
    if v_terms.setup_fee > 0 and dues.dues_amount(new.member_id, new.class_id, new.start_date) > 0 then
        insert into dues.charge (member_id, class_id, subscription_id, kind, description, amount, currency, due_date)
        values (new.member_id, new.class_id, new.id, 'setup_fee',
                'Setup fee: ' || (select c.title from dues.class c where c.id = new.class_id),
                v_terms.setup_fee, v_terms.currency, new.start_date);
    end if;
    return null;
end
$$;

create trigger class_subscription_recurring
    after insert on dues.class_subscription
    for each row execute function dues.recurring_subscription_begin();
