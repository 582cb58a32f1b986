-- The membership of a member, created (joined on p_on) when it has none; locked until the end of the transaction.
create or replace function dues.membership_ensure(p_member_id bigint, p_on date)
returns dues.membership
language plpgsql
set search_path = ''
as $$
declare
    v_membership dues.membership;
begin
    insert into dues.membership (member_id, join_date)
    values (p_member_id, p_on)
    on conflict (member_id) do nothing;
    select ms.* into v_membership from dues.membership ms where ms.member_id = p_member_id for update;
    return v_membership;
end
$$;
