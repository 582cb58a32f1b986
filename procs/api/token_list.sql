-- Lists API tokens, newest first: a member's or everyone's, never their hashes.
create or replace function api.token_list(member_id bigint default null, "limit" int default 50, after bigint default null)
returns setof dues.token_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    if token_list.member_id is not null then
        perform dues.member_get(token_list.member_id);
    end if;
    perform dues.list_check(token_list."limit", token_list.after);
    return query
        select t.id, t.member_id, t.label, case when t.staff then 'staff' else 'member' end, t.created_at, t.created_by,
               t.expires_at, t.revoked_at, t.revoked_by
          from dues.api_token t
         where (token_list.member_id is null or t.member_id = token_list.member_id)
           and (token_list.after is null or t.id < token_list.after)
         order by t.id desc
         limit token_list."limit";
end
$$;

comment on function api.token_list(bigint, int, bigint) is
$$Lists API tokens, newest first: a member's (member_id) or everyone's, staff tokens included. Each row: id, member_id (null for
staff), label, kind (staff or member), created_at, created_by, expires_at, revoked_at, revoked_by; never the token nor its hash
(a token is shown once, by token_create). Revoke one with token_revoke. A page of limit rows (50 by default, at most 500); the next
page is after the last id seen. Staff only.
Errors: DU001 unknown member, DU300 limit outside 1..500, DU301 after below 1, 42501 not staff.$$;

grant execute on function api.token_list(bigint, int, bigint) to dues_staff;
