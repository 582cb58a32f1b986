-- The date of one event of a membership: join_date, start_date, end_date, last_payment_date or oldest_unpaid_due_date
-- (the due date of the member's oldest open invoice: none when it owes nothing).
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
               when 'oldest_unpaid_due_date' then (dues.member_owed(p_membership.member_id)).oldest_due_date
           end
$$;
