create or replace function api.membership_resign(member_id bigint, on_date date default dues.local_date(now()), why text default null)
returns dues.membership_view
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(membership_resign.member_id, 'administer');
    perform dues.member_get(membership_resign.member_id);
    perform dues.require_argument('on_date', membership_resign.on_date is null);
    if not exists (select from dues.membership ms where ms.member_id = membership_resign.member_id) then
        raise exception 'member % has no membership', membership_resign.member_id
            using errcode = 'DU113';
    end if;
    perform dues.audit_why(membership_resign.why);
    update dues.membership ms
       set end_date = membership_resign.on_date
     where ms.member_id = membership_resign.member_id;
    perform dues.membership_status_update(membership_resign.member_id, pg_catalog.now());
    return dues.membership_view(membership_resign.member_id);
end
$$;

comment on function api.membership_resign(bigint, date, text) is
$$Records that a member resigns on on_date (today by default): its membership's end date. The status rules then decide what
follows (by default: it keeps access until 31 days after its last payment, then leaves group members). Resigning again moves
the date. Returns the membership. A member may resign itself.
Errors: DU014 an argument is null, DU001 unknown member, DU113 the member has no membership.$$;

grant execute on function api.membership_resign(bigint, date, text) to dues_member, dues_staff;
