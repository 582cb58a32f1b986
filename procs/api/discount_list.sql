-- Lists discounts, newest first, with how much each was used.
create or replace function api.discount_list(ended boolean default null, "limit" int default 50, after bigint default null)
returns setof dues.discount_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.list_check(discount_list."limit", discount_list.after);
    return query
        select v.*
          from dues.discount d, dues.discount_view(d) v
         where (discount_list.ended is null or (d.ended_at is not null) = discount_list.ended)
           and (discount_list.after is null or d.id < discount_list.after)
         order by d.id desc
         limit discount_list."limit";
end
$$;

comment on function api.discount_list(boolean, int, bigint) is
$$Lists discount codes, newest first: all, or only those ended (ended true) or not (ended false). Each row: id, code, percent or
amount and currency, valid_from, valid_until, max_uses, periods, class_ids (null: every class), uses (the subscriptions and confirmed
orders that took it, counted against max_uses; an opened or cancelled order's is not counted), discounted (what it took off in all, on orders not cancelled
and on invoices that are not void), ended_at, created_at, created_by. A page of limit rows (50 by default, at most 500); the next page is
after the last id seen. Staff only.
Errors: DU300 limit outside 1..500, DU301 after below 1, 42501 not staff.$$;

grant execute on function api.discount_list(boolean, int, bigint) to dues_staff;
