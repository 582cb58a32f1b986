-- Opens an order for a member and a class, priced and dated by the class's rule as of p_today; the caller has checked
-- that it may act for the member. A closed class takes no new order (DU30A), nor days the member already holds (DU704).
-- With a discount code, the discount is taken (dues.discount_check's refusals) and the order costs what it leaves.
create or replace function dues.order_open(p_member_id bigint, p_class_id bigint, p_params jsonb, p_today date,
                                           p_discount_code text default null)
returns dues.subscription_order
language plpgsql
set search_path = ''
as $$
declare
    v_member   dues.member := dues.member_get(p_member_id);
    v_class    dues.class := dues.class_get(p_class_id);
    v_params   jsonb;
    v_result   dues.rule_result;
    v_order    dues.subscription_order;
    v_discount dues.discount;
    v_off      numeric := 0;
begin
    if v_class.closed_at is not null then
        raise exception 'class % is closed since %: it takes no new orders', v_class.id, v_class.closed_at
            using errcode = 'DU30A';
    end if;
    v_params := dues.params_check(v_class.rule, 'request', p_params, v_class.currency);
    v_result := dues.rule_apply(v_class.id, v_member.id, v_params, p_today);
    perform dues.class_subscription_overlap_check(v_member.id, v_class.id, v_result.start_date, v_result.end_date);
    if p_discount_code is not null then
        v_discount := dues.discount_check(p_discount_code, v_class.id, p_today);
        v_off := dues.discount_off(v_discount, v_result.amount, v_class.currency);
    end if;

    insert into dues.subscription_order as o (member_id, class_id, amount, currency, start_date, end_date, params, class_params)
    values (v_member.id, v_class.id, v_result.amount - v_off, v_class.currency, v_result.start_date, v_result.end_date,
            v_params, dues.class_params(v_class.id))
    returning o.* into v_order;
    if v_discount.id is not null then
        perform dues.discount_take(v_discount, v_order, 'code', v_off, p_today);
    end if;
    return v_order;
end
$$;
