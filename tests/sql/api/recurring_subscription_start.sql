-- Tests of api.recurring_subscription_start.

create or replace function tests.test_recurring_subscription_start__subscribes_in_one_call()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "week", "amount": "7.00", "renewal": "fixed", "periods": 4}');
    v_member bigint := tests.fx_member();
    v_sub    dues.recurring_subscription;
begin
    v_sub := api.recurring_subscription_start(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(3, 1)));
    return next is((v_sub.member_id, v_sub.class_id, v_sub.start_date, v_sub.end_date, v_sub.billed_until),
                   (v_member, v_class, tests.fx_day(3, 1), tests.fx_day(3, 28), null::date),
                   'four weekly periods from 1 March, nothing billed yet');
    return next is((select state::text from dues.subscription_order o join dues.class_subscription cs on cs.order_id = o.id
                     where cs.id = v_sub.class_subscription_id), 'closed', 'its order went through the flow and is closed');
    return next ok(exists (select from api.class_students(v_class, tests.fx_day(3, 28)) where member_id = v_member),
                   'the member is a student for the whole term');
end
$$;

create or replace function tests.test_recurring_subscription_start__refuses_bad_arguments()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_single bigint := tests.fx_class('single_payment', '{"price": 5}');
    v_member bigint := tests.fx_member();
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.recurring_subscription_start(%s, %s)', v_member, v_single), 'DUB16',
                          format('class %s has rule single_payment, not recurring: subscribe with class_subscription_request', v_single),
                          'a class that is not recurring is refused');
    return next throws_ok(format('select api.recurring_subscription_start(-1, %s)', v_class), 'DU001', null,
                          'an unknown member is refused');
    return next throws_ok(format('select api.recurring_subscription_start(%s, -1)', v_member), 'DU002', null,
                          'an unknown class is refused');
    return next throws_ok(format('select api.recurring_subscription_start(%s, null)', v_member), 'DU014', null,
                          'a null class is refused');
    return next throws_ok(format('select api.recurring_subscription_start(%s, %s, %L)', v_member, v_class, '{"start_date": "2000-01-01"}'),
                          'DU012', null, 'a start date in the past is refused');
    return next throws_ok(format('select api.recurring_subscription_start(%s, %s, %L)', v_member, v_class, '{"colour": "red"}'),
                          'DU011', null, 'an unknown parameter is refused');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;

create or replace function tests.test_recurring_subscription_start__refuses_other_callers()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_before jsonb  := tests.fx_state();
begin
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.recurring_subscription_start(%s, %s)', v_member, v_class), '42501',
                          null, 'another member cannot subscribe someone');
    perform tests.fx_as_member(v_member);
    return next lives_ok(format('select api.recurring_subscription_start(%s, %s)', v_member, v_class), 'a member may subscribe itself');
    perform tests.fx_as_staff();
    return next is((select count(*)::int from dues.recurring_subscription where member_id = v_member), 1, 'once');
end
$$;
