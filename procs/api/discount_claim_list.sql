-- Lists who took a discount, newest first: each order (and the subscription it became) holding it, with what it took off.
create or replace function api.discount_claim_list(discount_id bigint, "limit" int default 50, after bigint default null)
returns table (discount_claim_id bigint, member_id bigint, name text, class_id bigint, order_id bigint,
               class_subscription_id bigint, how text, claimed_on date, counted boolean, lines int, discounted numeric(14,2))
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('discount_id', discount_claim_list.discount_id is null);
    perform dues.list_check(discount_claim_list."limit", discount_claim_list.after);
    if not exists (select from dues.discount d where d.id = discount_claim_list.discount_id) then
        raise exception 'discount % not found', discount_claim_list.discount_id
            using errcode = 'DU720';
    end if;
    return query
        select c.id, c.member_id, m.name, c.class_id, c.order_id, s.id, c.how, c.claimed_on, o.state <> 'cancelled',
               (select pg_catalog.count(*)::int from dues.discount_use u join dues.invoice_line l on l.id = u.invoice_line_id
                 where u.discount_claim_id = c.id and not l.void),
               (select coalesce(pg_catalog.sum(u.amount), 0)::numeric(14,2)
                  from dues.discount_use u left join dues.invoice_line l on l.id = u.invoice_line_id
                 where u.discount_claim_id = c.id and o.state <> 'cancelled' and not coalesce(l.void, false))
          from dues.discount_claim c
          join dues.member m on m.id = c.member_id
          join dues.subscription_order o on o.id = c.order_id
          left join dues.class_subscription s on s.order_id = c.order_id
         where c.discount_id = discount_claim_list.discount_id
           and (discount_claim_list.after is null or c.id < discount_claim_list.after)
         order by c.id desc
         limit discount_claim_list."limit";
end
$$;

comment on function api.discount_claim_list(bigint, int, bigint) is
$$Lists the claims of a discount, newest first: each order that took it by its code, or subscription it was granted to. Each row:
discount_claim_id, member_id and name, class_id, order_id, class_subscription_id (null while the order is not confirmed into one),
how (code or grant), claimed_on, counted (false when the order was cancelled: it no longer counts against max_uses), lines (the
invoice lines of kind discount it put on invoices that are not void: the periods discounted so far) and discounted (what it took
off in all). A page of limit rows (50 by default, at most 500); the next page is after the last id seen. Staff only.
Errors: DU014 discount_id is null, DU720 unknown discount, DU300 limit outside 1..500, DU301 after below 1, 42501 not staff.$$;

grant execute on function api.discount_claim_list(bigint, int, bigint) to dues_staff;
