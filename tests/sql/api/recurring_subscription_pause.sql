-- Tests of api.recurring_subscription_pause.

create or replace function tests.test_recurring_subscription_pause__leaves_the_paused_days_unbilled()
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
    v_pause := api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 20), 'travelling');
    return next is(v_pause.paused, daterange(tests.fx_day(4, 11), tests.fx_day(4, 20), '[]'), 'the pause holds 11 to 20 April');
    perform tests.fx_collect(tests.fx_day(3, 20));
    perform tests.fx_collect(tests.fx_day(4, 20));
    return next is((select array_agg((period_start, period_end, amount, description) order by period_start)::text
                      from dues.invoice_line where class_subscription_id = v_sub),
                   array[(tests.fx_day(4, 1), tests.fx_day(4, 30), 20.00::numeric(14,2),
                          format('%s, %s to %s (paused %s to %s)', (select title from dues.class where id = v_class), tests.fx_day(4, 1), tests.fx_day(4, 30),
                                 tests.fx_day(4, 11), tests.fx_day(4, 20))),
                         (tests.fx_day(5, 1), tests.fx_day(5, 31), 30.00::numeric(14,2),
                          format('%s, %s to %s', (select title from dues.class where id = v_class), tests.fx_day(5, 1), tests.fx_day(5, 31)))]::text,
                   'April costs its twenty days not paused (20.00 of 30.00), May in full: the periods keep their days');
    return next is((select array_agg(d order by d) from generate_series(tests.fx_day(4, 9), tests.fx_day(4, 22), '1 day') d
                     where exists (select from api.class_students(v_class, d::date) s where s.member_id = v_member))::text,
                   array[tests.fx_day(4, 9), tests.fx_day(4, 10), tests.fx_day(4, 21), tests.fx_day(4, 22)]::timestamptz[]::text,
                   'the member is no student while paused, and one again the day after');
    return next is((select (why, created_by is not null) from dues.recurring_subscription_pause where id = v_pause.id),
                   ('travelling'::text, true), 'the pause is recorded with its reason and who');
    return next ok(exists (select from dues.audit_log where table_name = 'recurring_subscription_pause' and row_id = v_pause.id
                                                       and why = 'travelling'), 'and in the audit log');
end
$$;

create or replace function tests.test_recurring_subscription_pause__credits_invoiced_days_back()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "29.99", "renewal": "auto_renew"}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_line   dues.invoice_line;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform tests.fx_collect(tests.fx_day(3, 20));
    perform tests.fx_pay(v_member, 29.99);
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 8), tests.fx_day(4, 14));
    select * into v_line from dues.invoice_line where class_subscription_id = v_sub;
    return next is((select (amount, paused_from, paused_until) from dues.pause_credit where invoice_line_id = v_line.id),
                   (dues.period_piece(29.99, 'USD', tests.fx_day(4, 1), tests.fx_day(4, 30), tests.fx_day(4, 8), tests.fx_day(4, 14)),
                    tests.fx_day(4, 8), tests.fx_day(4, 14)),
                   'the seven paused days of April are credited: exactly what they cost');
    return next is(tests.fx_member_balance(v_member), 7.00::numeric, 'the credit (7.00) is the member''s');
    -- a cancellation afterwards credits the days after its end that are not paused, once
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(4, 10));
    return next is((select amount from dues.proration_credit where invoice_line_id = v_line.id),
                   dues.period_piece(29.99, 'USD', tests.fx_day(4, 1), tests.fx_day(4, 30), tests.fx_day(4, 15), tests.fx_day(4, 30)),
                   'cancelled on 10 April, 15 to 30 April are credited (the paused days were already)');
    return next is(v_line.amount - (select sum(amount) from dues.pause_credit where invoice_line_id = v_line.id)
                                 - (select amount from dues.proration_credit where invoice_line_id = v_line.id),
                   dues.period_piece(29.99, 'USD', tests.fx_day(4, 1), tests.fx_day(4, 30), tests.fx_day(4, 1), tests.fx_day(4, 7)),
                   'what the member keeps paying is exactly the seven days used');
    return next ok(not exists (select from api.class_students(v_class, tests.fx_day(4, 15)) where member_id = v_member),
                   'the group membership for after the pause is gone with the cancellation');
end
$$;

create or replace function tests.test_recurring_subscription_pause__refuses_bad_pauses()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "10.00", "renewal": "fixed", "periods": 2, "max_pause_days": 14}');
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_sub    bigint;
    v_before jsonb;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 10), tests.fx_day(4, 23));
    v_before := tests.fx_state();
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(5, 1), tests.fx_day(5, 15)),
                          'DU710', format('a pause of 15 days is longer than class %s allows (max_pause_days 14)', v_class),
                          'fifteen days when the class allows fourteen are refused');
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(4, 20), tests.fx_day(4, 25)),
                          'DU711', format('subscription %s is paused from %s to %s already: a pause from %s to %s would overlap it',
                                          v_sub, tests.fx_day(4, 10), tests.fx_day(4, 23), tests.fx_day(4, 20), tests.fx_day(4, 25)),
                          'a pause overlapping another is refused');
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(5, 10), tests.fx_day(5, 9)),
                          'DU713', null, 'a pause ending before it begins is refused');
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(3, 30), tests.fx_day(4, 2)),
                          'DU713', format('subscription %s runs from %s to %s: it cannot be paused from %s to %s', v_sub,
                                          tests.fx_day(4, 1), tests.fx_day(5, 31), tests.fx_day(3, 30), tests.fx_day(4, 2)),
                          'a pause before the subscription begins is refused');
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(5, 25), tests.fx_day(6, 2)),
                          'DU713', null, 'a pause after its term is refused');
    return next throws_ok(format('select api.recurring_subscription_pause(%s, null, %L)', v_sub, tests.fx_day(5, 2)), 'DU014', null,
                          'a null from_date is refused');
    return next throws_ok(format('select api.recurring_subscription_pause(null, %L, %L)', tests.fx_day(5, 1), tests.fx_day(5, 2)),
                          'DU014', null, 'a null subscription is refused');
    return next throws_ok(format('select api.recurring_subscription_pause(-1, %L, %L)', tests.fx_day(5, 1), tests.fx_day(5, 2)),
                          'DUB02', null, 'an unknown subscription is refused');
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_today() - 1, tests.fx_day(4, 2)),
                          'DU014', null, 'staff pausing from a past day must say why');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_today() - 1, tests.fx_day(4, 2)),
                          'DUB19', null, 'a member cannot pause from a past day');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(5, 1), tests.fx_day(5, 2)),
                          '42501', null, 'another member cannot pause it');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(5, 1), tests.fx_day(5, 2)),
                          '42501', null, 'nor an anonymous caller');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
    perform tests.fx_as_member(v_member);
    return next lives_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(5, 1), tests.fx_day(5, 14)),
                         'the member pauses its own subscription for fourteen days');
    perform tests.fx_as_staff();
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(5, 20));
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(5, 16), tests.fx_day(5, 18)),
                          'DU712', format('subscription %s ended on %s: it cannot be paused', v_sub, tests.fx_day(5, 20)),
                          'a cancelled subscription cannot be paused');
end
$$;

create or replace function tests.test_recurring_subscription_pause__a_suspended_member_gets_no_group_after_it()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Syd Suspended');
    v_sub    bigint;
    v_pause  dues.recurring_subscription_pause;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform dues.standing_suspend_groups(v_member, tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 20)), tests.fx_day(4, 20));
    v_pause := api.recurring_subscription_pause(v_sub, tests.fx_day(5, 11), tests.fx_day(5, 20));
    return next is(v_pause.group_membership_id, null::bigint, 'no membership is made for after the pause');
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(6, 30)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 20))),
                   'still suspended after the pause, the member is not a student then');
end
$$;

create or replace function tests.test_recurring_subscription_pause__over_days_a_reinstatement_gave_back()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Ray Reinstated');
    v_sub    bigint;
    v_pause  dues.recurring_subscription_pause;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform dues.standing_suspend_groups(v_member, tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 10)), tests.fx_day(4, 10));
    perform dues.standing_restore_groups(v_member, tests.fx_standing_change(v_member, 'good', tests.fx_day(4, 15)), tests.fx_day(4, 15));
    -- staff pauses from a day the member was suspended on, into the days the reinstatement gave back
    v_pause := api.recurring_subscription_pause(v_sub, tests.fx_day(4, 12), tests.fx_day(4, 25));
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(5, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 10)), daterange(tests.fx_day(4, 26), tests.fx_day(6, 1))),
                   'the membership the reinstatement gave stops at the pause, and one begins after it');
end
$$;
