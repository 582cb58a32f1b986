-- Pays a confirmed order to its class, subscribes the member, adds them to the students group, closes the order.
create or replace function api.class_subscription_confirm(order_id bigint)
returns dues.class_subscription
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_order        dues.subscription_order := dues.order_lock(class_subscription_confirm.order_id);
    v_class        dues.class;
    v_transaction  bigint;
    v_subscription dues.class_subscription;
begin
    if v_order.state <> 'confirmed' then
        raise exception 'order % is %, only a confirmed order can become a subscription', v_order.id, v_order.state
            using errcode = 'DU031',
                  hint = case v_order.state
                             when 'opened' then 'confirm it with order_confirm first'
                             when 'closed' then 'the order is already a subscription'
                             else 'open a new order with class_subscription_request'
                         end;
    end if;
    select c.* into strict v_class from dues.class c where c.id = v_order.class_id;
    -- under the member's lock, no other confirm of the member makes overlapping days meanwhile
    perform dues.member_lock(v_order.member_id);
    perform dues.class_subscription_overlap_check(v_order.member_id, v_class.id, v_order.start_date, v_order.end_date, v_order.id);

    if v_order.amount > 0 then
        v_transaction := dues.ledger_transfer(
            dues.member_account(v_order.member_id, v_order.currency),
            dues.class_account(v_class.id),
            v_order.amount,
            'class_subscription',
            pg_catalog.format('order %s: member %s subscribes to class %s', v_order.id, v_order.member_id, v_class.id));
    end if;

    insert into dues.class_subscription as s (member_id, class_id, order_id, start_date, end_date, ledger_transaction_id)
    values (v_order.member_id, v_class.id, v_order.id, v_order.start_date, v_order.end_date, v_transaction)
    returning s.* into v_subscription;

    insert into dues.group_membership (group_id, member_id, during, class_subscription_id)
    values (v_class.students_group_id, v_order.member_id,
            pg_catalog.daterange(v_order.start_date, v_order.end_date, '[]'), v_subscription.id);

    update dues.subscription_order o
       set state = 'closed'
     where o.id = v_order.id;
    return v_subscription;
end
$$;

comment on function api.class_subscription_confirm(bigint) is
$$Step 3 of subscribing: for a confirmed order, moves the order amount from the member's account to the class's revenue account
(nothing moves for an amount of 0), creates the class subscription for start_date..end_date, adds the member to the class's students
group for those dates, and closes the order, all at once. Returns the subscription (id, member_id, class_id, order_id, start_date,
end_date, ledger_transaction_id, created_at, created_by).
Errors: DU014 order_id is null, DU003 unknown order, DU031 the order is not confirmed (opened: confirm it first; closed; cancelled),
DU030 the member's balance no longer covers the amount, DU704 the member holds a subscription of the class for days that overlap the
order's (unless the class's rule allows overlaps).$$;

grant execute on function api.class_subscription_confirm(bigint) to dues_member, dues_staff;
