-- Who attended the sessions of a class, newest first, a page at a time; a member sees its own attendances only.
create or replace function api.class_attendance_list(class_id bigint, class_session_id bigint default null,
                                                     member_id bigint default null, "limit" int default 50,
                                                     after bigint default null)
returns setof dues.class_attendance_view
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_class dues.class;
begin
    if not dues.caller_is_staff() then
        perform dues.authorize_member(class_attendance_list.member_id, 'use');
    end if;
    v_class := dues.class_get(class_attendance_list.class_id);
    perform dues.list_check(class_attendance_list."limit", class_attendance_list.after);
    if class_attendance_list.class_session_id is not null
       and not exists (select from dues.class_session cs
                        where cs.id = class_attendance_list.class_session_id and cs.class_id = v_class.id) then
        raise exception 'class session % of class % not found', class_attendance_list.class_session_id, v_class.id
            using errcode = 'DU70A';
    end if;
    return query
        select (dues.class_attendance_view(a)).*
          from dues.class_attendance a
          join dues.class_session cs on cs.id = a.class_session_id
         where cs.class_id = v_class.id
           and (class_attendance_list.class_session_id is null or a.class_session_id = class_attendance_list.class_session_id)
           and (class_attendance_list.member_id is null or a.member_id = class_attendance_list.member_id)
           and (class_attendance_list.after is null or a.id < class_attendance_list.after)
         order by a.id desc
         limit class_attendance_list."limit";
end
$$;

comment on function api.class_attendance_list(bigint, bigint, bigint, int, bigint) is
$$Lists who attended the sessions of a class, newest recorded first (highest class_attendance_id first), a page of limit rows (50 by
default, at most 500; the next page is after the last class_attendance_id seen): each attendance (class_attendance_id, class_session_id, starts_at,
class_subscription_id, member_id, name, sessions_left of its pack (null when it is no pack), recorded_at, recorded_by). class_session_id
narrows it to one session, member_id to one member. Staff see every member; a member gives its own member_id (or an organization's it
has a role on) and sees those attendances only.
Errors: DU014 class_id is null, or a member gave no member_id, DU002 unknown class, DU70A a session that is not the class's,
DU300 limit outside 1..500, DU301 after below 1, 42501 another member's attendances.$$;

grant execute on function api.class_attendance_list(bigint, bigint, bigint, int, bigint) to dues_member, dues_staff;
