create or replace function api.group_add(member_id bigint, group_id bigint, why text default null, from_date date default dues.local_date(now()))
returns setof bigint
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.member_get(group_add.member_id);
    perform dues.group_get(group_add.group_id);
    perform dues.require_argument('from_date', group_add.from_date is null);
    perform dues.audit_why(group_add.why);
    return query select * from dues.group_join(group_add.member_id, group_add.group_id, group_add.from_date);
end
$$;

comment on function api.group_add(bigint, bigint, text, date) is
$$Puts a member in a group from from_date (today by default) on, open-ended; its linked members too when the group is one they
follow. why is recorded in the audit log. Returns the ids of the members added (none when they already belonged to it).
Staff only. Errors: DU014 an argument is null, DU001 unknown member, DU110 unknown group.$$;

grant execute on function api.group_add(bigint, bigint, text, date) to dues_staff;
