-- Tests of dues.membership_event_date.

create or replace function tests.test_membership_event_date__oldest_unpaid_due_date_is_billings()
returns setof text
language plpgsql
as $$
declare
    v_class      bigint := tests.fx_recurring_class();
    v_member     bigint := tests.fx_joined_member();
    v_membership dues.membership;
begin
    select * into v_membership from dues.membership where member_id = v_member;
    return next is(dues.membership_event_date(v_membership, 'oldest_unpaid_due_date'), null::date,
                   'a member who owes nothing has no oldest unpaid due date');
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 20, -1));
    return next is(dues.membership_event_date(v_membership, 'oldest_unpaid_due_date'), tests.fx_day(1, 1),
                   'the due date of its oldest open invoice');
    perform tests.fx_pay(v_member, 30);
    return next is(dues.membership_event_date(v_membership, 'oldest_unpaid_due_date'), null::date, 'none once paid');
    return next is(dues.membership_event_date(v_membership, 'last_payment_date'), tests.fx_today(), 'the other events are unchanged');
end
$$;
