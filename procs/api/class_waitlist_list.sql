-- The waiting list of a class, first in line first; a member sees its own place only.
create or replace function api.class_waitlist_list(class_id bigint, member_id bigint default null)
returns setof dues.class_waitlist_place
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_class dues.class;
begin
    if not dues.caller_is_staff() then
        perform dues.authorize_member(class_waitlist_list.member_id, 'use');
    end if;
    v_class := dues.class_get(class_waitlist_list.class_id);
    return query
        select l.id, l.place, l.member_id, m.name, l.state, l.joined_at, l.offered_at, l.offer_expires_at
          from (select w.*, (pg_catalog.row_number() over (order by w.joined_at, w.id))::int as place
                  from dues.class_waitlist w
                 where w.class_id = v_class.id and w.state in ('waiting', 'offered')) l
          join dues.member m on m.id = l.member_id
         where class_waitlist_list.member_id is null or l.member_id = class_waitlist_list.member_id
         order by l.place;
end
$$;

comment on function api.class_waitlist_list(bigint, bigint) is
$$Lists the waiting list of a class, first in line first: each place (class_waitlist_id, place from 1, member_id, name, state waiting or
offered, joined_at, and for an offer offered_at and offer_expires_at, until when the seat is held). Staff see the whole list, or one
member's place with member_id; a member gives its own member_id (or an organization's it has a role on) and sees that place only,
with its position in the line.
Errors: DU014 class_id is null, or a member gave no member_id, DU002 unknown class, 42501 another member's place.$$;

grant execute on function api.class_waitlist_list(bigint, bigint) to dues_member, dues_staff;
