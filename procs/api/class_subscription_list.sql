-- The member's class subscriptions, oldest first.
create or replace function api.class_subscription_list(member_id bigint)
returns table (class_subscription_id bigint, class_id bigint, class_title text, start_date date, end_date date,
               order_id bigint, amount numeric(14,2), currency char(3), created_at timestamptz)
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
        select s.id, c.id, c.title, s.start_date, s.end_date, o.id, o.amount, o.currency, s.created_at
          from dues.class_subscription s
          join dues.class c on c.id = s.class_id
          join dues.subscription_order o on o.id = s.order_id
         where s.member_id = v_member.id
         order by s.start_date, s.id;
end
$$;

comment on function api.class_subscription_list(bigint) is
$$Lists every class subscription of a member, past, current and future, oldest start first: its id (class_subscription_id), the class (id and title),
the dates covered (start_date and end_date inclusive; end_date null means open-ended), the order it came from and the amount paid for it.
Errors: DU014 member_id is null, DU001 unknown member.$$;

grant execute on function api.class_subscription_list(bigint) to dues_member, dues_staff;
