-- One line of a subscriptions file (member_email, class, start_date; period_amount, billed_until): a running recurring
-- subscription brought from the books kept before dues, or 'unchanged' when the member has one to the class from that
-- start date already. class is the class's id or its title. The subscription renews until cancelled; the collector bills
-- the periods after billed_until (default: the day before start_date, everything from its start), and its setup fee is
-- cancelled (paid before dues). period_amount is the member's own amount per period (period_amount_set) from start_date.
create or replace function dues.import_subscription_line(p_fields jsonb)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_member   dues.member := dues.import_member_by_email(p_fields, 'member_email');
    v_class_in text := dues.import_value(p_fields, 'class', 'text', true);
    v_start    date := dues.import_value(p_fields, 'start_date', 'date', true)::date;
    v_amount   numeric := dues.import_value(p_fields, 'period_amount', 'numeric')::numeric;
    v_billed   date := dues.import_value(p_fields, 'billed_until', 'date')::date;
    v_classes  bigint[];
    v_class    dues.class;
    v_sub      dues.recurring_subscription;
    v_order    bigint;
    v_cs       bigint;
begin
    select pg_catalog.array_agg(c.id order by c.id) into v_classes
      from dues.class c
     where (v_class_in ~ '^\d{1,18}$' and c.id = v_class_in::bigint) or pg_catalog.lower(c.title) = pg_catalog.lower(v_class_in);
    if v_classes is null then
        raise exception 'no class has the id or title "%"', v_class_in using errcode = 'DU002', column = 'class';
    elsif pg_catalog.cardinality(v_classes) > 1 then
        raise exception 'classes % have the title "%": name the class by its id', pg_catalog.array_to_string(v_classes, ', '), v_class_in
            using errcode = 'DU002', column = 'class';
    end if;
    select c.* into strict v_class from dues.class c where c.id = v_classes[1];
    if v_class.rule <> 'recurring' then
        raise exception 'class % has rule %, not recurring: only recurring subscriptions are imported', v_class.id, v_class.rule
            using errcode = 'DUB16', column = 'class';
    end if;
    if v_billed < v_start - 1 then
        raise exception 'billed_until % is before start_date %', v_billed, v_start using errcode = 'DU650', column = 'billed_until';
    end if;
    v_billed := coalesce(v_billed, v_start - 1);
    if v_amount < 0 then
        raise exception 'period_amount must not be negative, got %', v_amount using errcode = 'DU020', column = 'period_amount';
    end if;
    if v_amount is not null and not dues.money_fits(v_amount, v_class.currency) then
        raise exception 'period_amount % has more decimals than % has', v_amount, v_class.currency
            using errcode = 'DU023', column = 'period_amount';
    end if;

    perform dues.member_lock(v_member.id);
    select r.* into v_sub from dues.recurring_subscription r
     where r.member_id = v_member.id and r.class_id = v_class.id and r.start_date = v_start and r.service_order_id is null;
    if found then
        if v_sub.billed_until is distinct from v_billed then
            raise exception 'member %''s subscription % to class % from % is billed until %, not %: an import does not change it',
                            v_member.id, v_sub.class_subscription_id, v_class.id, v_start, coalesce(v_sub.billed_until::text, '(nothing)'), v_billed
                using errcode = 'DU650', column = 'billed_until';
        end if;
        return 'unchanged';
    end if;
    if dues.member_master(v_member.id) is not null then
        raise exception 'member % is linked to member %: linked members are billed through their master',
                        v_member.id, dues.member_master(v_member.id) using errcode = 'DUB12', column = 'member_email';
    end if;
    if v_amount is not null then
        insert into dues.period_amount_override (member_id, class_id, amount, effective_from)
        values (v_member.id, v_class.id, v_amount, v_start);
    end if;
    insert into dues.subscription_order as o (member_id, class_id, amount, currency, start_date, params, class_params)
    values (v_member.id, v_class.id, 0, v_class.currency, v_start, '{"imported": true}', dues.class_params(v_class.id))
    returning o.id into v_order;
    update dues.subscription_order o set state = 'confirmed' where o.id = v_order;
    insert into dues.class_subscription as s (member_id, class_id, order_id, start_date)
    values (v_member.id, v_class.id, v_order, v_start)
    returning s.id into v_cs;
    insert into dues.group_membership (group_id, member_id, during, class_subscription_id)
    values (v_class.students_group_id, v_member.id, pg_catalog.daterange(v_start, null, '[]'), v_cs);
    update dues.subscription_order o set state = 'closed' where o.id = v_order;
    -- the setup fee was paid before dues
    insert into dues.charge_cancellation (charge_id, why)
    select c.id, 'imported subscription: its setup fee was paid before dues'
      from dues.charge c where c.class_subscription_id = v_cs and c.kind = 'setup_fee';
    update dues.recurring_subscription r set billed_until = v_billed where r.class_subscription_id = v_cs;
    return 'imported';
end
$$;
