-- Grants a discount to a member's running recurring subscription: its periods not billed yet are discounted.
create or replace function api.discount_grant(member_id bigint, discount_id bigint, class_id bigint default null)
returns dues.discount_claim
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_today    date := dues.local_date(pg_catalog.now());
    v_code     text;
    v_subs     bigint[];
    v_order    dues.subscription_order;
    v_discount dues.discount;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('discount_id', discount_grant.discount_id is null);
    perform dues.member_lock(discount_grant.member_id);
    perform dues.member_get(discount_grant.member_id);
    if discount_grant.class_id is not null then
        perform dues.class_get(discount_grant.class_id);
    end if;
    select d.code into v_code from dues.discount d where d.id = discount_grant.discount_id;
    if not found then
        raise exception 'discount % not found', discount_grant.discount_id
            using errcode = 'DU720';
    end if;
    select pg_catalog.array_agg(r.class_subscription_id order by r.class_subscription_id) into v_subs
      from dues.recurring_subscription r
     where r.member_id = discount_grant.member_id
       and (r.end_date is null or r.end_date >= v_today)
       and (discount_grant.class_id is null or r.class_id = discount_grant.class_id)
       and (not exists (select from dues.discount_class dc where dc.discount_id = discount_grant.discount_id)
            or r.class_id in (select dc.class_id from dues.discount_class dc where dc.discount_id = discount_grant.discount_id));
    if pg_catalog.cardinality(v_subs) is distinct from 1 then
        raise exception 'member % has % running recurring subscriptions the discount could go to%', discount_grant.member_id,
                        coalesce(pg_catalog.cardinality(v_subs), 0),
                        case when v_subs is null then '' else ': name the class (class_id)' end
            using errcode = 'DU728';
    end if;
    select o.* into strict v_order
      from dues.subscription_order o join dues.class_subscription s on s.order_id = o.id
     where s.id = v_subs[1];
    v_discount := dues.discount_check(v_code, v_order.class_id, v_today);
    return dues.discount_take(v_discount, v_order, 'grant', 0, v_today);
end
$$;

comment on function api.discount_grant(bigint, bigint, bigint) is
$$Grants a discount (discount_create) to a member's running recurring subscription (not ended before today): the periods the collector
bills from now on are discounted, for the discount's periods. class_id chooses the subscription when the member has several of the
discount's classes. The grant counts as one use of max_uses, as a code given at subscribing does. To discount an order of another
rule, staff give the code to class_subscription_request for the member. Staff only. Returns the claim (id, discount_id, member_id,
class_id, order_id of the subscription, how "grant", claimed_on, created_at, created_by).
Errors: DU014 member_id or discount_id is null, DU001 unknown member, DU002 unknown class, DU720 unknown discount,
DU728 no running recurring subscription of the discount's classes (or of class_id), or several, DU724 the discount ended,
DU721 not valid today, DU723 not for the subscription's class (or an amount in another currency), DU722 used up, DU727 the
subscription holds a discount already, 42501 not staff.$$;

grant execute on function api.discount_grant(bigint, bigint, bigint) to dues_staff;
