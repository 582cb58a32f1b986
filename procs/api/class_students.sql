-- The members of a class's students group on a date.
create or replace function api.class_students(class_id bigint, on_date date default dues.local_date(now()))
returns table (member_id bigint, name text, email text, start_date date, end_date date)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_class dues.class := dues.class_get(class_students.class_id);
begin
    perform dues.require_argument('on_date', class_students.on_date is null);
    return query
        select distinct on (m.id)
               m.id, m.name, m.email,
               pg_catalog.lower(gm.during),
               case when pg_catalog.upper_inf(gm.during) then null else pg_catalog.upper(gm.during) - 1 end
          from dues.group_membership gm
          join dues.member m on m.id = gm.member_id
         where gm.group_id = v_class.students_group_id
           and gm.during @> class_students.on_date
         order by m.id, pg_catalog.upper_inf(gm.during) desc, pg_catalog.upper(gm.during) desc;
end
$$;

comment on function api.class_students(bigint, date) is
$$Lists the students of a class on a date (today by default): the members of the class's students group whose membership covers that day,
one row per member with the subscription period that covers it (start_date and end_date inclusive; end_date null means open-ended), by member id.
Errors: DU014 class_id or on_date is null, DU002 unknown class.$$;

grant execute on function api.class_students(bigint, date) to dues_staff;
