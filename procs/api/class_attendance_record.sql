-- Records that a member attended a session of a class with one of its subscriptions; a pack of sessions used up ends.
create or replace function api.class_attendance_record(class_subscription_id bigint, class_session_id bigint)
returns dues.class_attendance_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_sub        dues.class_subscription;
    v_session    dues.class_session;
    v_order      dues.subscription_order;
    v_day        date;
    v_days       daterange;
    v_sessions   int;
    v_used       int;
    v_last       date;
    v_attendance dues.class_attendance;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('class_subscription_id', class_attendance_record.class_subscription_id is null);
    perform dues.require_argument('class_session_id', class_attendance_record.class_session_id is null);
    select s.* into v_sub from dues.class_subscription s where s.id = class_attendance_record.class_subscription_id;
    if not found then
        raise exception 'class subscription % not found', class_attendance_record.class_subscription_id
            using errcode = 'DU700';
    end if;
    select cs.* into v_session from dues.class_session cs where cs.id = class_attendance_record.class_session_id;
    if not found then
        raise exception 'class session % not found', class_attendance_record.class_session_id
            using errcode = 'DU70A';
    end if;
    perform dues.member_lock(v_sub.member_id);
    select s.* into strict v_sub from dues.class_subscription s where s.id = v_sub.id;
    if v_session.class_id <> v_sub.class_id then
        raise exception 'session % is one of class %, subscription % is to class %', v_session.id, v_session.class_id, v_sub.id,
                        v_sub.class_id
            using errcode = 'DU70B';
    end if;
    select o.* into strict v_order from dues.subscription_order o where o.id = v_sub.order_id;
    v_used := dues.class_subscription_sessions_used(v_sub.id);
    if v_order.params ? 'sessions' then
        v_sessions := (v_order.params ->> 'sessions')::int;
        if v_used >= v_sessions then
            raise exception 'subscription % has used its % sessions', v_sub.id, v_sessions
                using errcode = 'DU70D',
                      hint = 'the member buys another pack';
        end if;
    end if;
    v_day := dues.local_date(v_session.starts_at);
    v_days := coalesce((select pg_catalog.daterange(r.start_date, r.end_date, '[]') from dues.recurring_subscription r
                         where r.class_subscription_id = v_sub.id), v_sub.during);
    if not v_days @> v_day then
        raise exception 'subscription % does not cover %, the day of session %', v_sub.id, v_day, v_session.id
            using errcode = 'DU70E',
                  hint = case when pg_catalog.isempty(v_days) then 'it was cancelled before it began'
                              else pg_catalog.format('it covers %s to %s', pg_catalog.lower(v_days),
                                                     coalesce((pg_catalog.upper(v_days) - 1)::text, 'open end')) end;
    end if;
    if exists (select from dues.class_attendance a where a.class_session_id = v_session.id and a.member_id = v_sub.member_id) then
        raise exception 'member % attended session % already', v_sub.member_id, v_session.id
            using errcode = 'DU70C';
    end if;

    insert into dues.class_attendance as a (class_session_id, class_subscription_id, member_id)
    values (v_session.id, v_sub.id, v_sub.member_id)
    returning a.* into v_attendance;

    if v_sessions = v_used + 1 then
        -- the pack is used up: it ends on the day of its last session, and so does the students group membership it gave
        select pg_catalog.max(dues.local_date(cs.starts_at)) into v_last
          from dues.class_attendance a
          join dues.class_session cs on cs.id = a.class_session_id
         where a.class_subscription_id = v_sub.id;
        update dues.class_subscription s
           set during = s.during * pg_catalog.daterange(s.start_date, v_last, '[]')
         where s.id = v_sub.id;
        update dues.group_membership gm
           set during = pg_catalog.daterange(pg_catalog.lower(gm.during), v_last + 1)
         where gm.class_subscription_id = v_sub.id
           and not pg_catalog.isempty(gm.during) and pg_catalog.lower(gm.during) <= v_last
           and (pg_catalog.upper_inf(gm.during) or pg_catalog.upper(gm.during) > v_last + 1);
        if dues.class_seats(v_sub.class_id) is not null then
            -- its seat is free after that day: the job class_waitlist offers it then (or now, when that day is past)
            perform dues.class_waitlist_offer(v_sub.class_id, pg_catalog.now());
        end if;
    end if;
    return dues.class_attendance_view(v_attendance);
end
$$;

comment on function api.class_attendance_record(bigint, bigint) is
$$Records that the member of a class subscription attended a session of its class (class_session_create), once per member and session.
The session's day (in the site's time zone) must be one the subscription covers. A pack of sessions (rule per_session: its order
bought "sessions") counts it as used; when its last session is recorded it ends on that session's day: the member leaves the students
group after it (another pack of the member runs on), and a cancellation refunds only the sessions not used. Staff only (the teacher,
the desk). Returns the attendance (class_attendance_id, class_session_id, starts_at, class_subscription_id, member_id, name,
sessions_left: what the pack has left, null for other subscriptions, recorded_at, recorded_by).
Errors: DU014 an argument is null, DU700 unknown subscription, DU70A unknown session, DU70B a session of another class, DU70D the pack's
sessions are used up, DU70E the subscription does not cover the session's day (not begun, ended, or cancelled), DU70C the member attended
that session already, 42501 not staff.$$;

grant execute on function api.class_attendance_record(bigint, bigint) to dues_staff;
