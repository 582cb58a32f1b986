-- Adds a session to a class: when it starts.
create or replace function api.class_session_create(class_id bigint, starts_at timestamptz)
returns dues.class_session
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_class   dues.class;
    v_session dues.class_session;
begin
    perform dues.authorize_staff();
    v_class := dues.class_get(class_session_create.class_id);
    perform dues.require_argument('starts_at', class_session_create.starts_at is null);
    if v_class.closed_at is not null then
        raise exception 'class % is closed since %: it has no new sessions', v_class.id, v_class.closed_at
            using errcode = 'DU30A';
    end if;
    select s.* into v_session from dues.class_session s
     where s.class_id = v_class.id and s.starts_at = class_session_create.starts_at;
    if found then
        raise exception 'class % has session % at % already', v_class.id, v_session.id, v_session.starts_at
            using errcode = 'DU70F';
    end if;
    insert into dues.class_session as s (class_id, starts_at)
    values (v_class.id, class_session_create.starts_at)
    returning s.* into v_session;
    return v_session;
end
$$;

comment on function api.class_session_create(bigint, timestamptz) is
$$Adds a session (a lesson, a workshop evening) to a class, starting at starts_at; class_attendance_record then records who attended it.
Staff only. Returns the session (id, class_id, starts_at, created_at, created_by).
Errors: DU014 class_id or starts_at is null, DU002 unknown class, DU30A the class is closed, DU70F the class has a session at that time
already, 42501 not staff.$$;

grant execute on function api.class_session_create(bigint, timestamptz) to dues_staff;
