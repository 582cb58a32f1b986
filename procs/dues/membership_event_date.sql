-- The date of one event of a membership: join_date, start_date, end_date or last_payment_date.
create or replace function dues.membership_event_date(p_membership dues.membership, p_event text)
returns date
language sql
stable
set search_path = ''
as $$
    select case p_event
               when 'join_date' then p_membership.join_date
               when 'start_date' then p_membership.start_date
               when 'end_date' then p_membership.end_date
               when 'last_payment_date' then dues.member_last_payment_date(p_membership.member_id)
           end
$$;
