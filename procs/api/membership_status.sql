create or replace function api.membership_status(member_id bigint)
returns dues.membership_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(membership_status.member_id);
    perform dues.member_get(membership_status.member_id);
    return dues.membership_view(membership_status.member_id);
end
$$;

comment on function api.membership_status(bigint) is
$$A member's membership: the status the rules last gave it (null without a membership), whether it counts as membership, since
when, the join, start (first payment) and end (resignation) dates, the last payment date, whether its payments are waived, and its master
when it is linked (a linked member shows its master's status). A member may read its own.
Errors: DU014 member_id is null, DU001 unknown member.$$;

grant execute on function api.membership_status(bigint) to dues_member, dues_staff;
