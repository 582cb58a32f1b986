-- Acts as staff (null) or as a member, for `dues call`: whoever reaches the database operates it.
create or replace function dues.impersonate(p_member_id bigint)
returns void
language plpgsql
set search_path = ''
as $$
begin
    if p_member_id is null then
        perform dues.caller_set('dues_staff', null, 'cli ' || session_user);
        return;
    end if;
    if not exists (select from dues.member m where m.id = p_member_id) then
        raise exception 'member % not found', p_member_id using errcode = 'DU001';
    end if;
    perform dues.caller_set('dues_member', p_member_id, 'cli ' || session_user || ' as member ' || p_member_id);
end
$$;
