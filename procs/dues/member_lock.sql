-- Locks a member's billing (FOR NO KEY UPDATE of its row) until the end of the transaction; returns the member.
-- Every billing change of a member takes this lock first, then ledger accounts: one order, no deadlock.
create or replace function dues.member_lock(p_member_id bigint)
returns dues.member
language plpgsql
set search_path = ''
as $$
declare
    v_member dues.member;
begin
    perform dues.require_argument('member_id', p_member_id is null);
    select m.* into v_member from dues.member m where m.id = p_member_id for no key update;
    if not found then
        raise exception 'member % not found', p_member_id
            using errcode = 'DU001';
    end if;
    return v_member;
end
$$;
