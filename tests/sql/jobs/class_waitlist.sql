-- Tests of jobs.class_waitlist (and dues.class_waitlist_offer, which it runs for each class).

create or replace function tests.test_class_waitlist__offers_expire_and_pass_on()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1, "seats": 1}');
    v_first  bigint := tests.fx_member();
    v_second bigint := tests.fx_member();
    v_sub    bigint;
    v_result jsonb;
begin
    v_sub := tests.fx_class_subscription(tests.fx_member(), v_class);
    perform api.class_waitlist_join(v_class, v_first);
    perform api.class_waitlist_join(v_class, v_second);
    perform api.class_subscription_cancel(v_sub, tests.fx_today() + 3);
    return next is((select array_agg(state order by id) from dues.class_waitlist where class_id = v_class), '{waiting,waiting}'::text[],
                   'a seat freed in four days is not free today: nobody is offered it yet');
    perform jobs.class_waitlist(now() + interval '3 days');
    return next is((select array_agg(state order by id) from dues.class_waitlist where class_id = v_class), '{waiting,waiting}'::text[],
                   'nor on its last day');
    v_result := jobs.class_waitlist(now() + interval '4 days');
    return next ok((v_result ->> 'offers')::int >= 1, 'the run on the day it is free offers it');
    return next is((select array_agg(state order by id) from dues.class_waitlist where class_id = v_class), '{offered,waiting}'::text[],
                   'to the first in line');
    perform jobs.class_waitlist(now() + interval '5 days');
    return next is((select array_agg(state order by id) from dues.class_waitlist where class_id = v_class), '{offered,waiting}'::text[],
                   'a second run changes nothing while the offer is held');
    perform jobs.class_waitlist(now() + interval '6 days 1 hour');
    return next is((select array_agg(state order by id) from dues.class_waitlist where class_id = v_class), '{expired,offered}'::text[],
                   'after 48 hours the offer expires and passes to the second');
    return next is((select count(*)::int from tests.fx_outbox('class_seat_offered')
                     where (data ->> 'class_id')::bigint = v_class), 2, 'each was told once');
end
$$;

create or replace function tests.test_class_waitlist__a_held_seat_is_taken_only_by_its_member()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "20.00", "seats": 1}');
    v_first  bigint := tests.fx_member();
    v_sub    bigint;
    v_entry  dues.class_waitlist;
begin
    v_sub := tests.fx_class_subscription(tests.fx_member(), v_class);
    perform api.class_waitlist_join(v_class, v_first);
    perform api.class_subscription_cancel(v_sub, tests.fx_today() - 1, why => 'never came');
    return next throws_ok(format('select tests.fx_class_subscription(%s, %s)', tests.fx_member(), v_class), 'DU705', null,
                          'while the seat is held, another member cannot take it');
    perform tests.fx_class_subscription(v_first, v_class);
    select * into v_entry from dues.class_waitlist where class_id = v_class and member_id = v_first;
    return next is((v_entry.state, v_entry.ended_at is not null), ('served'::text, true), 'the member it was held for takes it: served');
    return next is_empty(format('select * from api.class_waitlist_list(%s)', v_class), 'the line is empty');
end
$$;

create or replace function tests.test_class_waitlist__more_seats_are_offered()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "20.00", "seats": 1}');
    v_first  bigint := tests.fx_member();
    v_second bigint := tests.fx_member();
begin
    perform tests.fx_class_subscription(tests.fx_member(), v_class);
    perform api.class_waitlist_join(v_class, v_first);
    perform api.class_waitlist_join(v_class, v_second);
    perform api.class_update(v_class, params => '{"seats": 2}');
    return next is((select array_agg(state order by id) from dues.class_waitlist where class_id = v_class), '{offered,waiting}'::text[],
                   'one more seat is offered to the first in line');
end
$$;
