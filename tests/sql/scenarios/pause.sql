-- Stories of pauses told by moving the collector's clock (jobs.collect(now)): a member who pauses for the summer before
-- it is billed, then pauses part of a month already billed and paid and comes back early; a member suspended around its
-- pauses (a pause and a suspension both keep it out of the class's students group). Every date is in next year
-- (tests.fx_day), so any day is allowed. Each collector run is followed by api.ledger_check(), empty; the teardown checks
-- it again after each story.

create or replace function tests.test_pause__a_summer_away_and_a_month_cut_short()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew", "max_pause_days": 60}');
    v_title  text   := (select title from dues.class where id = v_class);
    v_member bigint := tests.fx_member('Sam Summer');
    v_sub    bigint;
    v_pause  dues.recurring_subscription_pause;
    v_ids    bigint[];
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(6, 1));

    -- May: June is invoiced and paid
    perform tests.fx_collect(tests.fx_day(5, 18));
    return next is_empty('select * from api.ledger_check()', 'the books balance after the May run');
    perform tests.fx_pay(v_member, 30);
    return next is(tests.fx_invoice_statuses(v_member), '{paid}'::text[], 'June (30.00) is paid');

    -- the member will be away for the summer: 11 July to 20 August, before July is billed
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(7, 11), tests.fx_day(9, 20)),
                          'DU710', null, 'seventy-two days are longer than the class allows (60)');
    perform tests.fx_as_member(v_member);
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(7, 11), tests.fx_day(8, 20), 'summer abroad');
    perform tests.fx_as_staff();
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(8, 15), tests.fx_day(8, 25)),
                          'DU711', null, 'a second pause over the same days is refused');

    -- June's run: July is billed for its ten days before the pause
    perform tests.fx_collect(tests.fx_day(6, 18));
    return next is_empty('select * from api.ledger_check()', 'the books balance after the June run');
    v_ids := tests.fx_invoice_ids(v_member);
    return next is((select (l.period_start, l.period_end, l.amount, l.description) from dues.invoice_line l where l.invoice_id = v_ids[2]),
                   (tests.fx_day(7, 1), tests.fx_day(7, 31), 9.68::numeric(14,2),
                    format('%s, %s to %s (paused %s to %s)', v_title, tests.fx_day(7, 1), tests.fx_day(7, 31), tests.fx_day(7, 11), tests.fx_day(7, 31))),
                   'the July invoice bills 1 to 10 July: 9.68 of 30.00, and says the rest is paused');
    perform tests.fx_pay(v_member, 9.68);

    -- July's run: August is billed for the eleven days after the pause, on the same anchor
    perform tests.fx_collect(tests.fx_day(7, 18));
    return next is_empty('select * from api.ledger_check()', 'the books balance after the July run');
    v_ids := tests.fx_invoice_ids(v_member);
    return next is((select (l.period_of, l.amount) from dues.invoice_line l where l.invoice_id = v_ids[3]),
                   (tests.fx_day(8, 1), 10.65::numeric(14,2)),
                   'August, still from the 1st, costs its eleven days after the pause: 30.00 - 19.35 = 10.65');
    perform tests.fx_pay(v_member, 10.65);
    return next ok(exists (select from api.class_students(v_class, tests.fx_day(7, 10)) where member_id = v_member)
                   and not exists (select from api.class_students(v_class, tests.fx_day(7, 11)) where member_id = v_member)
                   and not exists (select from api.class_students(v_class, tests.fx_day(8, 20)) where member_id = v_member)
                   and exists (select from api.class_students(v_class, tests.fx_day(8, 21)) where member_id = v_member),
                   'a student up to 10 July, not over the summer, and again from 21 August');

    -- August's run: September in full, paid; then a pause over the second half of September, already paid
    perform tests.fx_collect(tests.fx_day(8, 18));
    return next is_empty('select * from api.ledger_check()', 'the books balance after the August run');
    perform tests.fx_pay(v_member, 30);
    v_pause := api.recurring_subscription_pause(v_sub, tests.fx_day(9, 16), tests.fx_day(9, 30));
    return next is(tests.fx_member_balance(v_member), 15.00::numeric, 'the fifteen paused days of September come back as credit');
    return next is_empty('select * from api.ledger_check()', 'the books balance after the credit');

    -- September's run: the credit pays half of October
    perform tests.fx_collect(tests.fx_day(9, 18));
    return next is_empty('select * from api.ledger_check()', 'the books balance after the September run');
    v_ids := tests.fx_invoice_ids(v_member);
    return next is(tests.fx_amount_due(v_ids[5]), 15.00::numeric, 'October (30.00) has 15.00 left to pay after the credit');

    -- back early: resumed on 25 September, the six days given back are charged on the next invoice
    v_pause := api.recurring_subscription_resume(v_sub, tests.fx_day(9, 25));
    return next is(v_pause.paused, daterange(tests.fx_day(9, 16), tests.fx_day(9, 25)), 'the pause now ends on 24 September');
    perform tests.fx_pay(v_member, 15);
    perform tests.fx_collect(tests.fx_day(10, 18));
    return next is_empty('select * from api.ledger_check()', 'the books balance after the October run');
    v_ids := tests.fx_invoice_ids(v_member);
    return next is((select array_agg((l.kind, l.amount) order by l.id)::text from dues.invoice_line l where l.invoice_id = v_ids[6]),
                   array[('period', 30.00::numeric(14,2)), ('charge', 6.00::numeric(14,2))]::text,
                   'November in full and the six September days back: 6.00');
    return next is((select sum(l.amount) from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
                     where i.member_id = v_member and l.kind = 'period' and l.period_of = tests.fx_day(9, 1))
                   - (select sum(amount) from dues.pause_credit where member_id = v_member)
                   + (select amount from dues.charge where id = v_pause.charge_id),
                   21.00::numeric, 'September costs exactly its 21 days not paused');
    return next is((select jsonb_agg(jsonb_build_array(p ->> 'paused_from', p ->> 'paused_until', p ->> 'why'))
                      from api.recurring_subscription_list(v_member) r, jsonb_array_elements(r.pauses) p),
                   jsonb_build_array(jsonb_build_array(tests.fx_day(7, 11), tests.fx_day(8, 20), 'summer abroad'),
                                     jsonb_build_array(tests.fx_day(9, 16), tests.fx_day(9, 24), null)),
                   'the member''s subscriptions list both pauses as they are now');
end
$$;

-- A member who planned a pause falls behind and is suspended before it: the pause gives no group back while suspended,
-- a second pause is made and the first resumed while suspended, and the reinstatement gives back only the days neither
-- paused nor suspended.
create or replace function tests.test_pause__suspended_around_a_pause()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew", "max_pause_days": 60}');
    v_member bigint := tests.fx_member('Pat Behind');
    v_sub    bigint;
    v_july   dues.recurring_subscription_pause;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_collect(tests.fx_day(1, 18));
    -- in February the member plans to be away from 11 to 31 May, and pays nothing
    perform tests.fx_as_member(v_member);
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(5, 11), tests.fx_day(5, 31));
    perform tests.fx_as_staff();
    perform tests.fx_collect(tests.fx_day(2, 18));
    perform tests.fx_collect(tests.fx_day(3, 18));
    perform tests.fx_collect(tests.fx_day(4, 5));
    return next is_empty('select * from api.ledger_check()', 'the books balance after the April run');
    return next is(tests.fx_standing(v_member), 'suspended', 'over ninety days late the member is suspended');
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(7, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 5))),
                   'suspended on 5 April: no student then, nor after the pause (from 1 June) while still suspended');

    -- still suspended: a second pause, 1 to 10 July, and the May pause resumed on 20 May
    v_july := api.recurring_subscription_pause(v_sub, tests.fx_day(7, 1), tests.fx_day(7, 10));
    return next is(v_july.group_membership_id, null::bigint, 'a pause made while suspended gives no membership for after it');
    perform api.recurring_subscription_resume(v_sub, tests.fx_day(5, 20));
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(7, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 5))),
                   'resumed while suspended: still no student from 20 May');

    -- paid up on 24 May, reinstated by the run of the 25th
    perform tests.fx_pay(v_member, (select sum(tests.fx_amount_due(id)) from dues.invoice where member_id = v_member and status = 'open'));
    perform tests.fx_collect(tests.fx_day(5, 25));
    return next is_empty('select * from api.ledger_check()', 'the books balance after the May run');
    return next is(tests.fx_standing(v_member), 'good', 'paid up, it is in good standing again');
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(4, 1), tests.fx_day(7, 31)),
                   datemultirange(daterange(tests.fx_day(4, 1), tests.fx_day(4, 5)), daterange(tests.fx_day(5, 25), tests.fx_day(7, 1)),
                                  daterange(tests.fx_day(7, 11), tests.fx_day(8, 1))),
                   'a student from the reinstatement, but over the July pause');
    return next ok(not exists (select from dues.group_membership gm
                                 join dues.recurring_subscription_pause p on p.class_subscription_id = v_sub
                                where gm.member_id = v_member and gm.during && p.paused),
                   'no group membership holds a paused day');

    -- back early from July too: a student from 5 July
    perform api.recurring_subscription_resume(v_sub, tests.fx_day(7, 5));
    return next is(tests.fx_student_days(v_member, v_class, tests.fx_day(6, 25), tests.fx_day(7, 15)),
                   datemultirange(daterange(tests.fx_day(6, 25), tests.fx_day(7, 1)), daterange(tests.fx_day(7, 5), tests.fx_day(7, 16))),
                   'resumed on 5 July, in good standing: a student from that day');
end
$$;

create or replace function tests.test_pause__a_written_off_period_gives_nothing_back()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Wes Written-Off');
    v_sub    bigint;
    v_pause  dues.recurring_subscription_pause;
begin
    -- April (30.00) is invoiced, never paid, and written off: the member paid nothing for it
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform tests.fx_collect(tests.fx_day(3, 18));
    perform api.invoice_write_off((tests.fx_invoice_ids(v_member))[1], 'gone quiet');
    perform tests.fx_as_member(v_member);
    v_pause := api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 20));
    perform tests.fx_as_staff();
    return next is_empty(format('select * from dues.pause_credit where recurring_subscription_pause_id = %s', v_pause.id),
                         'pausing days of a written-off period credits nothing');
    return next is(tests.fx_member_balance(v_member), 0.00::numeric, 'the member has no credit to spend');
    v_pause := api.recurring_subscription_resume(v_sub, tests.fx_day(4, 11));
    return next is(v_pause.charge_id, null::bigint, 'resuming charges nothing: the days were billed once, and written off');
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(4, 15));
    return next is_empty(format('select * from dues.proration_credit where member_id = %s', v_member),
                         'ending it mid-April credits nothing of the written-off period either');
    return next is(tests.fx_member_balance(v_member), 0.00::numeric, 'the member still has no credit');
end
$$;

create or replace function tests.test_pause__back_to_back_pauses_are_one_pause_for_the_limit()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew", "max_pause_days": 30}');
    v_member bigint := tests.fx_member('Bo Back-to-Back');
    v_sub    bigint;
    v_before jsonb;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1));
    perform tests.fx_as_member(v_member);
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(5, 1), tests.fx_day(5, 30));
    v_before := tests.fx_state();
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(5, 31), tests.fx_day(6, 29)),
                          'DU710', null, 'a pause beginning the day after another ends is one pause of 60 days: refused');
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(4, 25), tests.fx_day(4, 30)),
                          'DU710', null, 'so is one ending the day before it begins');
    perform tests.fx_as_staff();
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(5, 31), tests.fx_day(5, 31)),
                          'DU710', null, 'nor may staff add a single day to it');
    return next is(tests.fx_state(), v_before, 'the refusals changed nothing');
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(6, 1), tests.fx_day(6, 30));
    return next is((select count(*) from dues.recurring_subscription_pause where class_subscription_id = v_sub), 2::bigint,
                   'with one day billed between them (31 May), two pauses of 30 days are allowed');
    return next throws_ok(format('select api.recurring_subscription_pause(%s, %L, %L)', v_sub, tests.fx_day(5, 31), tests.fx_day(5, 31)),
                          'DU710', null, 'a day joining them would make one pause of 61 days: refused');
end
$$;
