-- An attendance as the api shows it: its session, subscription, member, and the sessions its pack has left (null when
-- the subscription is no pack of sessions).
create or replace function dues.class_attendance_view(p_attendance dues.class_attendance)
returns dues.class_attendance_view
language sql
stable
set search_path = ''
as $$
    select p_attendance.id, p_attendance.class_session_id, cs.starts_at, p_attendance.class_subscription_id,
           p_attendance.member_id, m.name,
           case when o.params ? 'sessions'
                then (o.params ->> 'sessions')::int - dues.class_subscription_sessions_used(s.id) end,
           p_attendance.recorded_at, p_attendance.recorded_by
      from dues.class_session cs
      join dues.class_subscription s on s.id = p_attendance.class_subscription_id
      join dues.subscription_order o on o.id = s.order_id
      join dues.member m on m.id = p_attendance.member_id
     where cs.id = p_attendance.class_session_id
$$;
