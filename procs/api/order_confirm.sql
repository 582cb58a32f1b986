-- Confirms an opened order, reserving the member's credit for it.
create or replace function api.order_confirm(order_id bigint)
returns dues.subscription_order
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_order     dues.subscription_order := dues.order_lock(order_confirm.order_id);
    v_account   dues.ledger_account;
    v_available numeric;
begin
    if v_order.state <> 'opened' then
        raise exception 'order % is %, only an opened order can be confirmed', v_order.id, v_order.state
            using errcode = 'DU031';
    end if;

    perform dues.class_subscription_overlap_check(v_order.member_id, v_order.class_id, v_order.start_date, v_order.end_date,
                                                  v_order.id);
    -- a class with seats: one must be free on the order's days (the class's seats lock is held from here on)
    perform dues.class_seat_check(v_order.class_id, v_order.member_id,
                                  pg_catalog.daterange(v_order.start_date, v_order.end_date, '[]'));
    -- a discount the order took must still have a use free: only confirmed orders use a code up
    perform dues.discount_claim_check(v_order.id);
    if v_order.amount > 0 then
        -- lock the member's account (the ledger's lock) so concurrent confirms count each other's reservations
        select l.* into v_account
          from dues.ledger_lock(array[dues.member_account_find(v_order.member_id, v_order.currency)]) l;
        v_available := coalesce(v_account.balance, 0) - dues.member_reserved(v_order.member_id, v_order.currency);
        if v_available < v_order.amount then
            raise exception 'member % has % % available, order % needs %',
                            v_order.member_id, v_available, v_order.currency, v_order.id, v_order.amount
                using errcode = 'DU030',
                      hint = 'register a payment of at least ' || (v_order.amount - v_available) || ' ' || v_order.currency;
        end if;
    end if;

    update dues.subscription_order o
       set state = 'confirmed'
     where o.id = v_order.id
    returning o.* into v_order;
    perform dues.class_waitlist_served(v_order.class_id, v_order.member_id);
    return v_order;
end
$$;

comment on function api.order_confirm(bigint) is
$$Step 2 of subscribing, after register_payment: confirms an opened order when the member's available credit in the order's currency
(balance minus the amounts of the member's other confirmed orders) covers the order amount; an order of amount 0 needs no credit.
The credit is then reserved for this order; no money moves until class_subscription_confirm. Returns the order in state "confirmed".
Errors: DU014 order_id is null, DU003 unknown order, DU031 the order is not opened (already confirmed, closed or cancelled),
DU030 not enough available credit (the message says how much is available), DU704 the member holds a subscription (or another
confirmed order) of the class for days that overlap the order's (unless the class's rule allows overlaps), DU705 the class's seats
(class parameter seats) are all taken on one of the order's days, by others' subscriptions and confirmed orders and by seats held for
the waiting list (join it with class_waitlist_join), DU722 the discount the order took is used up (max_uses confirmed orders hold it
by now). A confirmed order holds its seat; the member's place in the class's waiting list
is then served.$$;

grant execute on function api.order_confirm(bigint) to dues_member, dues_staff;
