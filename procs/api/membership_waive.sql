create or replace function api.membership_waive(member_id bigint, waived boolean, why text default null)
returns dues.membership_view
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.member_get(membership_waive.member_id);
    perform dues.require_argument('waived', membership_waive.waived is null);
    if not exists (select from dues.membership ms where ms.member_id = membership_waive.member_id) then
        raise exception 'member % has no membership', membership_waive.member_id
            using errcode = 'DU113';
    end if;
    perform dues.audit_why(membership_waive.why);
    update dues.membership ms
       set waived = membership_waive.waived
     where ms.member_id = membership_waive.member_id;
    if not membership_waive.waived then
        perform dues.membership_status_update(membership_waive.member_id, pg_catalog.now());
    end if;
    return dues.membership_view(membership_waive.member_id);
end
$$;

comment on function api.membership_waive(bigint, boolean, text) is
$$Waives (waived true) or no longer waives (false) a member's payments: a waived member is exempt from the membership status rules
(no reminders, never removed from its groups). Recorded in the audit log with why. Returns the membership. Staff only.
Errors: DU014 an argument is null, DU001 unknown member, DU113 the member has no membership.$$;

grant execute on function api.membership_waive(bigint, boolean, text) to dues_staff;
