create or replace function api.group_remove(member_id bigint, group_id bigint, why text default null, on_date date default dues.local_date(now()))
returns setof bigint
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.member_get(group_remove.member_id);
    perform dues.group_get(group_remove.group_id);
    perform dues.require_argument('on_date', group_remove.on_date is null);
    perform dues.audit_why(group_remove.why);
    return query select * from dues.group_leave(group_remove.member_id, group_remove.group_id, group_remove.on_date);
end
$$;

comment on function api.group_remove(bigint, bigint, text, date) is
$$Ends a member's membership of a group: from on_date (today by default) it no longer belongs to it (a membership that began that
very day keeps that day); its linked members leave too when they follow the group. The membership is kept as history; why is
recorded in the audit log. Returns the ids of the members removed (none when they did not belong to it).
Staff only. Errors: DU014 an argument is null, DU001 unknown member, DU110 unknown group.$$;

grant execute on function api.group_remove(bigint, bigint, text, date) to dues_staff;
