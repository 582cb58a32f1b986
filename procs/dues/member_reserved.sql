-- What the member's confirmed, not yet closed orders in a currency hold back from the balance.
-- PL/pgSQL, not SQL, so that its query is planned once per session and not on every call.
create or replace function dues.member_reserved(p_member_id bigint, p_currency char(3))
returns numeric
language plpgsql
stable
set search_path = ''
as $$
declare
    v_reserved numeric;
begin
    select coalesce(pg_catalog.sum(o.amount), 0) into v_reserved
      from dues.subscription_order o
     where o.member_id = p_member_id and o.currency = p_currency and o.state = 'confirmed';
    return v_reserved;
end
$$;
