-- Before an order is confirmed: when it holds a discount claim, the discount (locked FOR UPDATE, so two orders confirming
-- its last use go one after the other) must still have a use free, else DU722; the confirmation then takes that use.
create or replace function dues.discount_claim_check(p_order_id bigint)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_discount dues.discount;
    v_uses     int;
begin
    select d.* into v_discount
      from dues.discount_claim c
      join dues.discount d on d.id = c.discount_id
     where c.order_id = p_order_id
       for update of d;
    if not found then
        return;
    end if;
    v_uses := dues.discount_uses(v_discount.id);
    if v_uses >= v_discount.max_uses then
        raise exception 'discount % is used up: % of % uses taken', v_discount.code, v_uses, v_discount.max_uses
            using errcode = 'DU722',
                  hint = 'cancel the order and ask again without the code';
    end if;
end
$$;
