-- The member's master when it is linked to one now, else null.
create or replace function dues.member_master(p_member_id bigint)
returns bigint
language plpgsql
stable
set search_path = ''
as $$
begin
    return (select l.master_id from dues.member_link l where l.member_id = p_member_id and l.unlinked_at is null);
end
$$;
