-- A member's membership as the api shows it: a linked member shows its master's status.
create or replace function dues.membership_view(p_member_id bigint)
returns dues.membership_view
language sql
stable
set search_path = ''
as $$
    select p_member_id, s.status, r.is_membership, s.status_since,
           ms.join_date, ms.start_date, ms.end_date, dues.member_last_payment_date(p_member_id), ms.waived,
           dues.member_master(p_member_id)
      from (select p_member_id as id) x
      left join dues.membership ms on ms.member_id = x.id
      left join dues.membership s on s.member_id = coalesce(dues.member_master(p_member_id), p_member_id)
      left join dues.membership_status_rule r on r.id = s.status_rule_id
$$;
