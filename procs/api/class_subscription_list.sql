-- The member's class subscriptions, oldest first, with what a cancellation or the sessions used changed.
create or replace function api.class_subscription_list(member_id bigint)
returns table (class_subscription_id bigint, class_id bigint, class_title text, start_date date, end_date date,
               order_id bigint, amount numeric(14,2), currency char(3), created_at timestamptz, last_day date,
               cancelled_on date, refund numeric(14,2), sessions_left int)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_member dues.member;
begin
    perform dues.authorize_member(class_subscription_list.member_id, 'use');
    v_member := dues.member_get(class_subscription_list.member_id);
    return query
        select s.id, c.id, c.title, s.start_date, s.end_date, o.id, o.amount, o.currency, s.created_at,
               case when pg_catalog.isempty(s.during) then s.start_date - 1
                    when pg_catalog.upper_inf(s.during) then null
                    else pg_catalog.upper(s.during) - 1 end,
               k.cancelled_on, k.refund,
               case when o.params ? 'sessions'
                    then (o.params ->> 'sessions')::int - dues.class_subscription_sessions_used(s.id) end
          from dues.class_subscription s
          join dues.class c on c.id = s.class_id
          join dues.subscription_order o on o.id = s.order_id
          left join dues.class_subscription_cancellation k on k.class_subscription_id = s.id
         where s.member_id = v_member.id
         order by s.start_date, s.id;
end
$$;

comment on function api.class_subscription_list(bigint) is
$$Lists every class subscription of a member, past, current and future, oldest start first: its id (class_subscription_id), the class (id and title),
the dates bought (start_date and end_date inclusive; end_date null means open-ended), the order it came from and the amount paid for it;
last_day, the last day it covers now (end_date, or earlier after class_subscription_cancel or once a pack's sessions are used up; the day
before start_date when it was cancelled before it began; null: open-ended); for a cancelled one cancelled_on and the refund given back to
the member's credit; for a pack of sessions (rule per_session) sessions_left.
Errors: DU014 member_id is null, DU001 unknown member.$$;

grant execute on function api.class_subscription_list(bigint) to dues_member, dues_staff;
