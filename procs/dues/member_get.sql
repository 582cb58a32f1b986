-- The member with this id; DU014 when null, DU001 when unknown.
create or replace function dues.member_get(p_member_id bigint)
returns dues.member
language plpgsql
stable
set search_path = ''
as $$
declare
    v_member dues.member;
begin
    perform dues.require_argument('member_id', p_member_id is null);
    select m.* into v_member from dues.member m where m.id = p_member_id;
    if not found then
        raise exception 'member % not found', p_member_id
            using errcode = 'DU001';
    end if;
    return v_member;
end
$$;
