create or replace function api.membership_join(member_id bigint, why text default null)
returns dues.membership_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_on         date := dues.local_date(pg_catalog.now());
    v_membership dues.membership;
begin
    perform dues.authorize_staff();
    perform dues.member_get(membership_join.member_id);
    perform dues.audit_why(membership_join.why);
    v_membership := dues.membership_ensure(membership_join.member_id, v_on);
    if v_membership.end_date is not null then
        -- coming back: a new membership from today
        update dues.membership ms
           set join_date = v_on, start_date = null, end_date = null
         where ms.member_id = membership_join.member_id;
    end if;
    if not dues.member_in_group(membership_join.member_id, (dues.group_by_key('members')).id, v_on) then
        perform dues.group_join(membership_join.member_id, (dues.group_by_key('pending_payments')).id, v_on);
    end if;
    perform dues.membership_status_update(membership_join.member_id, pg_catalog.now());
    return dues.membership_view(membership_join.member_id);
end
$$;

comment on function api.membership_join(bigint, text) is
$$A member asks to join the organization: it gets a membership (joined today) and waits in group pending_payments until its first
payment (a PayPal payment notification, or a payment the status rules see) moves it to group members. A member that resigned
joins again from today. Joining twice changes nothing. Returns the membership (status, dates, waived, master_id). Staff only.
Errors: DU014 member_id is null, DU001 unknown member.$$;

grant execute on function api.membership_join(bigint, text) to dues_staff;
