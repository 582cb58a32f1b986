create or replace function api.member_unlink(member_id bigint, why text default null)
returns dues.member_link
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.audit_why(member_unlink.why);
    return dues.member_link_end(member_unlink.member_id, dues.local_date(pg_catalog.now()));
end
$$;

comment on function api.member_unlink(bigint, text) is
$$Ends a member's link to its master: it leaves, today, the groups linked members follow. The link is kept as history.
Returns the ended link. Staff only. Errors: DU014 member_id is null, DU001 unknown member, DU111 the member is not linked.$$;

grant execute on function api.member_unlink(bigint, text) to dues_staff;
