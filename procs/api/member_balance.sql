-- The member's credit per currency: balance, reserved by confirmed orders, and available.
create or replace function api.member_balance(member_id bigint)
returns table (currency char(3), balance numeric, reserved numeric, available numeric)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_member     dues.member;
    v_currencies char(3)[];
begin
    perform dues.authorize_member(member_balance.member_id, 'use');
    v_member := dues.member_get(member_balance.member_id);
    select pg_catalog.array_agg(x.code order by x.code) into v_currencies
      from (select a.currency as code from dues.ledger_account a where a.member_id = v_member.id
            union
            select o.currency from dues.subscription_order o where o.member_id = v_member.id and o.state = 'confirmed') x;

    -- what is reserved, once per currency (offset 0 keeps the subquery from being pulled up into two calls)
    return query
        select c.code,
               pg_catalog.round(coalesce(a.balance, 0), 2),
               pg_catalog.round(r.reserved, 2),
               pg_catalog.round(coalesce(a.balance, 0) - r.reserved, 2)
          from pg_catalog.unnest(coalesce(v_currencies, array[dues.default_currency()])) as c(code)
          cross join lateral (select dues.member_reserved(v_member.id, c.code) as reserved offset 0) r
          left join dues.ledger_account a on a.member_id = v_member.id and a.currency = c.code
         order by c.code;
end
$$;

comment on function api.member_balance(bigint) is
$$The member's credit, one row per currency the member has paid in (or a single row of zeros in the system default currency):
balance (money registered with register_payment and not yet spent on a subscription), reserved (the amounts of the member's confirmed orders
not yet turned into subscriptions) and available (balance - reserved: what order_confirm can still use).
Errors: DU014 member_id is null, DU001 unknown member.$$;

grant execute on function api.member_balance(bigint) to dues_member, dues_staff;
