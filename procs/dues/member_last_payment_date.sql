-- The day of a member's last payment (payments refunded in full do not count), or null.
create or replace function dues.member_last_payment_date(p_member_id bigint)
returns date
language sql
stable
set search_path = ''
as $$
    select dues.local_date(pg_catalog.max(p.created_at))
      from dues.payment p
     where p.member_id = p_member_id
       and p.amount > coalesce((select pg_catalog.sum(r.amount) from dues.refund r where r.payment_id = p.id), 0)
$$;
