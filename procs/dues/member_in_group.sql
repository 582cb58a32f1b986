-- Whether a member belongs to a group on a day.
create or replace function dues.member_in_group(p_member_id bigint, p_group_id bigint, p_on date)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
    return exists (select from dues.group_membership gm
                    where gm.member_id = p_member_id and gm.group_id = p_group_id and gm.during @> p_on);
end
$$;
