-- After a period line of a recurring subscription is written: when the subscription holds a discount that is not ended
-- and has periods left, adds the invoice line of kind discount (negative, never more than the period line) to the same
-- invoice and records the use.
create or replace function dues.discount_line(p_class_subscription_id bigint, p_period_of date)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_line     dues.invoice_line;
    v_claim    dues.discount_claim;
    v_discount dues.discount;
    v_off      numeric;
    v_line_id  bigint;
begin
    select l.* into v_line
      from dues.invoice_line l
     where l.class_subscription_id = p_class_subscription_id and l.period_of = p_period_of and l.kind = 'period' and not l.void;
    select c.* into v_claim
      from dues.discount_claim c
      join dues.class_subscription s on s.order_id = c.order_id
     where s.id = p_class_subscription_id;
    if v_line.id is null or v_claim.id is null then
        return;
    end if;
    select d.* into strict v_discount from dues.discount d where d.id = v_claim.discount_id;
    if v_discount.ended_at is not null
       or v_discount.periods <= (select pg_catalog.count(*)
                                   from dues.discount_use u
                                   join dues.invoice_line dl on dl.id = u.invoice_line_id
                                  where u.discount_claim_id = v_claim.id and not dl.void) then
        return;
    end if;
    v_off := dues.discount_off(v_discount, v_line.amount,
                                (select i.currency from dues.invoice i where i.id = v_line.invoice_id));
    if v_off = 0 then
        return;  -- a percent of a line too small to take a cent off
    end if;
    insert into dues.invoice_line as l (invoice_id, kind, class_id, class_subscription_id, description, due_date, amount)
    values (v_line.invoice_id, 'discount', v_line.class_id, p_class_subscription_id,
            pg_catalog.format('Discount %s (%s) on %s', v_discount.code,
                              coalesce(v_discount.percent || '%', v_discount.amount || ' ' || v_discount.currency),
                              v_line.description),
            v_line.due_date, -v_off)
    returning l.id into v_line_id;
    insert into dues.discount_use (discount_claim_id, member_id, order_id, invoice_line_id, discounted_line_id, amount, used_on)
    values (v_claim.id, v_claim.member_id, v_claim.order_id, v_line_id, v_line.id, v_off, v_line.period_start);
end
$$;
