-- What the member's confirmed, not yet closed orders in a currency hold back from the balance.
create or replace function dues.member_reserved(p_member_id bigint, p_currency char(3))
returns numeric
language sql
stable
set search_path = ''
as $$
    select coalesce(pg_catalog.sum(o.amount), 0)
      from dues.subscription_order o
     where o.member_id = p_member_id and o.currency = p_currency and o.state = 'confirmed'
$$;
