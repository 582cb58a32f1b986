create or replace function api.member_link(member_id bigint, master_id bigint, why text default null)
returns dues.member_link
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('master_id', member_link.master_id is null);
    perform dues.audit_why(member_link.why);
    return dues.member_link_create(member_link.member_id, member_link.master_id, dues.local_date(pg_catalog.now()));
end
$$;

comment on function api.member_link(bigint, bigint, text) is
$$Links a member (a family member, a housemate) to a master member: from now on it follows the master's membership status and
the groups that linked members follow (members, pending_payments), joining those the master belongs to today. A master cannot be
linked itself, nor a member that has linked members. Returns the link. Staff only.
Errors: DU014 an argument is null, DU001 unknown member, DU111 self link, already linked, or a chain.$$;

grant execute on function api.member_link(bigint, bigint, text) to dues_staff;
