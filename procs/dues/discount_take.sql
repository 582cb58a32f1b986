-- Records that an order took a discount (a claim: by its code, or granted by staff) and, when it took something off the
-- order's price, that use. DU727 when the order holds a discount already. Returns the claim.
create or replace function dues.discount_take(p_discount dues.discount, p_order dues.subscription_order, p_how text,
                                              p_off numeric, p_on date)
returns dues.discount_claim
language plpgsql
set search_path = ''
as $$
declare
    v_claim dues.discount_claim;
begin
    if exists (select from dues.discount_claim c where c.order_id = p_order.id) then
        raise exception 'order % holds a discount already: one discount per subscription', p_order.id
            using errcode = 'DU727';
    end if;
    insert into dues.discount_claim as c (discount_id, member_id, class_id, order_id, how, claimed_on)
    values (p_discount.id, p_order.member_id, p_order.class_id, p_order.id, p_how, p_on)
    returning c.* into v_claim;
    if p_off > 0 then
        insert into dues.discount_use (discount_claim_id, member_id, order_id, amount, used_on)
        values (v_claim.id, p_order.member_id, p_order.id, p_off, p_on);
    end if;
    return v_claim;
end
$$;
