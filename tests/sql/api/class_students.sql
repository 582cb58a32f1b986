-- Tests of api.class_students.

create or replace function tests.test_class_students__lists_members_covered_on_the_date()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_class('fixed_term', '{"price": 5, "months": 1}');
    v_ada   bigint := tests.fx_member('Ada');
    v_bob   bigint := tests.fx_member('Bob');
    v_cy    bigint := tests.fx_member('Cy');
    v_start date   := tests.fx_today() + 10;
begin
    perform api.class_subscription_confirm(tests.fx_confirmed_order(v_ada, v_class, jsonb_build_object('start_date', v_start)));
    perform api.class_subscription_confirm(tests.fx_confirmed_order(v_bob, v_class, jsonb_build_object('start_date', v_start + 20)));
    perform tests.fx_confirmed_order(v_cy, v_class, jsonb_build_object('start_date', v_start));  -- confirmed, not subscribed
    return next is_empty(format('select * from api.class_students(%s)', v_class), 'nobody is a student today');
    return next results_eq(format('select member_id, name, start_date, end_date from api.class_students(%s, %L)', v_class, v_start),
                           format('values (%s::bigint, %L::text, %L::date, (%L::date + interval ''1 month'')::date - 1)',
                                  v_ada, 'Ada', v_start, v_start),
                           'on the first day only Ada is a student');
    return next results_eq(format('select member_id from api.class_students(%s, %L)', v_class, v_start + 20),
                           format('values (%s::bigint), (%s)', v_ada, v_bob),
                           'twenty days later Ada and Bob are students');
    return next results_eq(format('select member_id from api.class_students(%s, (%L::date + interval ''1 month'')::date)', v_class, v_start),
                           format('values (%s::bigint)', v_bob),
                           'the day after Ada''s last day only Bob is left');
end
$$;

create or replace function tests.test_class_students__refuses_an_unknown_class()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select * from api.class_students(-1)', 'DU002', null, 'an unknown class is refused');
    return next throws_ok('select * from api.class_students(null)', 'DU014', null, 'a null class is refused');
end
$$;
