-- Tests of api.recurring_subscription_resume.

create or replace function tests.test_recurring_subscription_resume__during_a_pause_bills_the_days_back()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_pause  dues.recurring_subscription_pause;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform tests.fx_collect(tests.fx_day(3, 20));
    perform tests.fx_pay(v_member, 30);
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 20));
    return next is(tests.fx_member_balance(v_member), 10.00::numeric, 'the ten paused days of April were credited');
    v_pause := api.recurring_subscription_resume(v_sub, tests.fx_day(4, 16));
    return next is((v_pause.resumed_on, v_pause.paused),
                   (tests.fx_day(4, 16), daterange(tests.fx_day(4, 11), tests.fx_day(4, 16))),
                   'resumed on 16 April, the pause ends on the 15th');
    return next is((select (amount, due_date, kind) from dues.charge where id = v_pause.charge_id),
                   (5.00::numeric(14,2), tests.fx_day(4, 16), 'charge'::text),
                   'the five days given back (16 to 20 April) are charged again: 5.00');
    return next ok(not exists (select from api.class_students(v_class, tests.fx_day(4, 15)) where member_id = v_member)
                   and exists (select from api.class_students(v_class, tests.fx_day(4, 16)) where member_id = v_member),
                   'the member is a student again from the day it resumes');
    perform tests.fx_collect(tests.fx_day(4, 20));
    return next is((select amount from dues.invoice_line where charge_id = v_pause.charge_id), 5.00::numeric(14,2),
                   'the charge is on the next invoice');
    return next is((select sum(amount) from dues.invoice_line where class_subscription_id = v_sub and kind = 'period'
                     and period_of = tests.fx_day(4, 1))
                   - (select sum(amount) from dues.pause_credit where recurring_subscription_pause_id = v_pause.id)
                   + (select amount from dues.charge where id = v_pause.charge_id),
                   25.00::numeric, 'April costs its 25 days not paused, exactly');
    return next is((select (r.pauses -> 0 ->> 'paused_until')::date from api.recurring_subscription_list(v_member) r),
                   tests.fx_day(4, 15), 'recurring_subscription_list shows the pause as it is now');
end
$$;

create or replace function tests.test_recurring_subscription_resume__before_a_pause_removes_it()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_pause  dues.recurring_subscription_pause;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 20));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(5, 11), tests.fx_day(5, 20));
    v_pause := api.recurring_subscription_resume(v_sub, tests.fx_day(4, 5), 'plans changed');
    return next is((v_pause.from_date, isempty(v_pause.paused), v_pause.charge_id),
                   (tests.fx_day(4, 11), true, null::bigint), 'the April pause, not begun, is removed; nothing was billed yet');
    perform tests.fx_collect(tests.fx_day(3, 20));
    return next is((select (amount, description) from dues.invoice_line where class_subscription_id = v_sub),
                   (30.00::numeric(14,2), format('%s, %s to %s', (select title from dues.class where id = v_class), tests.fx_day(4, 1), tests.fx_day(4, 30))),
                   'April is billed in full');
    return next ok((select bool_and(exists (select from api.class_students(v_class, d::date) s where s.member_id = v_member))
                      from generate_series(tests.fx_day(4, 1), tests.fx_day(5, 10), '1 day') d),
                   'the member is a student every day up to the May pause');
    return next ok(not exists (select from api.class_students(v_class, tests.fx_day(5, 11)) where member_id = v_member),
                   'the May pause stands');
    return next is(jsonb_array_length((select r.pauses from api.recurring_subscription_list(v_member) r)), 2,
                   'both pauses are listed');
    -- a pause that had left days out of an invoice line gives them back through a charge
    perform tests.fx_collect(tests.fx_day(4, 20));
    v_pause := api.recurring_subscription_resume(v_sub, tests.fx_day(5, 1));
    return next is((select amount from dues.charge where id = v_pause.charge_id),
                   dues.period_piece(30.00, 'USD', tests.fx_day(5, 1), tests.fx_day(5, 31), tests.fx_day(5, 11), tests.fx_day(5, 20)),
                   'the May days its line left out are charged when the pause is removed');
end
$$;

create or replace function tests.test_recurring_subscription_resume__refuses_bad_calls()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_sub    bigint;
    v_before jsonb;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 20));
    v_before := tests.fx_state();
    return next throws_ok(format('select api.recurring_subscription_resume(%s, %L)', v_sub, tests.fx_day(4, 21)), 'DU714',
                          format('subscription %s has no pause on or after %s', v_sub, tests.fx_day(4, 21)),
                          'no pause after the day is refused');
    return next throws_ok(format('select api.recurring_subscription_resume(-1, %L)', tests.fx_day(4, 12)), 'DUB02', null,
                          'an unknown subscription is refused');
    return next throws_ok('select api.recurring_subscription_resume(null)', 'DU014', null, 'a null subscription is refused');
    return next throws_ok(format('select api.recurring_subscription_resume(%s, %L)', v_sub, tests.fx_today() - 1), 'DU014', null,
                          'staff resuming on a past day must say why');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.recurring_subscription_resume(%s, %L)', v_sub, tests.fx_today() - 1), 'DUB19', null,
                          'a member cannot resume on a past day');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.recurring_subscription_resume(%s, %L)', v_sub, tests.fx_day(4, 12)), '42501', null,
                          'another member cannot resume it');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
    perform tests.fx_as_member(v_member);
    return next lives_ok(format('select api.recurring_subscription_resume(%s, %L)', v_sub, tests.fx_day(4, 12)),
                         'the member resumes its own subscription');
    return next throws_ok(format('select api.recurring_subscription_resume(%s, %L)', v_sub, tests.fx_day(4, 12)), 'DU714', null,
                          'a pause ended is not resumed twice');
    perform tests.fx_as_staff();
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(5, 11), tests.fx_day(5, 20));
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(5, 25));
    return next throws_ok(format('select api.recurring_subscription_resume(%s, %L)', v_sub, tests.fx_day(5, 12)), 'DU712', null,
                          'a cancelled subscription is not resumed');
end
$$;

create or replace function tests.test_recurring_subscription_resume__while_suspended_gives_no_group_back()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Stu Still');
    v_sub    bigint;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 30));
    perform dues.standing_suspend_groups(v_member, tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 15)), tests.fx_day(4, 15));
    perform api.recurring_subscription_resume(v_sub, tests.fx_day(4, 20));
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(5, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 11))),
                   'resumed while suspended: not a student from the day back, nor after the pause');
    perform dues.standing_restore_groups(v_member, tests.fx_standing_change(v_member, 'good', tests.fx_day(4, 25)), tests.fx_day(4, 25));
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(5, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 11)), daterange(tests.fx_day(4, 25), tests.fx_day(6, 1))),
                   'the reinstatement gives the days back the pause no longer holds');
end
$$;

create or replace function tests.test_recurring_subscription_resume__joins_the_membership_a_reinstatement_gave()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Val Back');
    v_sub    bigint;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 30));
    perform dues.standing_suspend_groups(v_member, tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 5)), tests.fx_day(4, 5));
    perform dues.standing_restore_groups(v_member, tests.fx_standing_change(v_member, 'good', tests.fx_day(4, 8)), tests.fx_day(4, 8));
    perform api.recurring_subscription_resume(v_sub, tests.fx_day(4, 20));
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(5, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 5)), daterange(tests.fx_day(4, 8), tests.fx_day(4, 11)),
                                  daterange(tests.fx_day(4, 20), tests.fx_day(6, 1))),
                   'a student but while suspended and on the days still paused');
    return next is((select count(*)::int from dues.group_membership gm
                     where gm.class_subscription_id = v_sub and gm.during && daterange(tests.fx_day(4, 20), tests.fx_day(6, 1))),
                   1, 'the days back join the membership the reinstatement gave for after the pause');
end
$$;

create or replace function tests.test_recurring_subscription_resume__leaves_out_days_suspended_before()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Lou Later');
    v_sub    bigint;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 30));
    perform dues.standing_suspend_groups(v_member, tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 15)), tests.fx_day(4, 15));
    perform dues.standing_restore_groups(v_member, tests.fx_standing_change(v_member, 'good', tests.fx_day(4, 18)), tests.fx_day(4, 18));
    -- resumed from a day before the suspension: the days it lasted stay out of the group
    perform api.recurring_subscription_resume(v_sub, tests.fx_day(4, 12), 'came back early');
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(5, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 11)), daterange(tests.fx_day(4, 12), tests.fx_day(4, 15)),
                                  daterange(tests.fx_day(4, 18), tests.fx_day(6, 1))),
                   'back from 12 April, but not over the suspension of 15 to 17 April');
end
$$;

create or replace function tests.test_recurring_subscription_resume__while_suspended_a_pause_to_the_end()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "fixed", "periods": 3}');
    v_member bigint := tests.fx_member('Eve End');
    v_sub    bigint;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(6, 1), tests.fx_day(6, 30));
    perform dues.standing_suspend_groups(v_member, tests.fx_standing_change(v_member, 'suspended', tests.fx_day(5, 20)), tests.fx_day(5, 20));
    perform api.recurring_subscription_resume(v_sub, tests.fx_day(6, 10));
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(7, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(5, 20))),
                   'a pause to the subscription''s last day, resumed while suspended: no day back in the group');
    perform dues.standing_restore_groups(v_member, tests.fx_standing_change(v_member, 'good', tests.fx_day(6, 15)), tests.fx_day(6, 15));
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(7, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(5, 20)), daterange(tests.fx_day(6, 15), tests.fx_day(7, 1))),
                   'reinstated, the member is a student to the last day');
end
$$;
