-- Subscription method of rule recurring: amount 0 (invoices carry the money), from start_date (default today, not in the past),
-- to the end of the term: one period (one_time), periods periods (fixed) or open-ended (auto_renew).
create or replace function rules.class_subscribe_recurring(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
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
