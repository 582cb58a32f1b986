create or replace function api.badge_assign(member_id bigint, number text, why text default null)
returns dues.badge
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_badge dues.badge;
begin
    perform dues.authorize_staff();
    perform dues.member_get(badge_assign.member_id);
    perform dues.require_argument('number', badge_assign.number is null);
    if badge_assign.number !~ '^\S{1,64}$' then
        raise exception 'badge number % must be 1 to 64 characters without spaces', badge_assign.number using errcode = 'DU01A';
    end if;
    perform dues.audit_why(badge_assign.why);
    begin
        insert into dues.badge as b (number, member_id)
        values (badge_assign.number, badge_assign.member_id)
        returning b.* into v_badge;
    exception when unique_violation then
        raise exception 'badge % is already in use', badge_assign.number
            using errcode = 'DU124',
                  hint = 'revoke it first (badge_revoke)';
    end;
    return v_badge;
end
$$;

comment on function api.badge_assign(bigint, text, text) is
$$Gives a member a badge (the number its card or fob reads). A number is held by one member at a time. Recorded in the audit log
with why. Returns the badge. Staff only. Errors: DU014 an argument is null, DU001 unknown member, DU01A bad number, DU124 number in use.$$;

grant execute on function api.badge_assign(bigint, text, text) to dues_staff;
