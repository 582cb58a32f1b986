-- Tests of api.class_subscription_cancel.

create or replace function tests.test_class_subscription_cancel__refunds_the_unused_days()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "90.00", "months": 3}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_cancel dues.class_subscription_cancellation;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    return next is((select end_date from dues.class_subscription where id = v_sub), tests.fx_day(6, 30),
                   'three months from 1 April: 91 days to 30 June');
    v_cancel := api.class_subscription_cancel(v_sub, tests.fx_day(4, 30), refund => true);
    return next is(v_cancel.refund, 60.33::numeric(14,2),
                   'the 61 days from 1 May cost 90.00 - R(90.00 x 30/91) = 60.33');
    return next is(v_cancel.refund, dues.period_piece(90, 'USD', tests.fx_day(4, 1), tests.fx_day(6, 30), tests.fx_day(5, 1),
                                                      tests.fx_day(6, 30)),
                   'prorated by days as a period is');
    return next is(tests.fx_member_balance(v_member), 60.33::numeric, 'the refund is the member''s credit');
    return next is((select dues.ledger_balance(id) from dues.ledger_account where class_id = v_class), 29.67::numeric,
                   'the class keeps what the 30 days used cost');
    return next is((select kind from dues.ledger_transaction where id = v_cancel.ledger_transaction_id), 'class_subscription_refund',
                   'one reversing ledger transaction of its own kind');
    return next ok(tests.fx_student(v_member, v_class, tests.fx_day(4, 30)), 'a student on the last day');
    return next ok(not tests.fx_student(v_member, v_class, tests.fx_day(5, 1)), 'and not the day after');
    return next is((v_cancel.end_date, v_cancel.cancelled_on, v_cancel.cancelled_by),
                   (tests.fx_day(4, 30), tests.fx_today(), dues.actor()), 'the cancellation records the last day, when and who');
end
$$;

create or replace function tests.test_class_subscription_cancel__refunds_everything_before_start()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "90.00", "months": 3}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_cancel dues.class_subscription_cancellation;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    v_cancel := api.class_subscription_cancel(v_sub, tests.fx_day(2, 1), refund => true);
    return next is(v_cancel.refund, 90.00::numeric(14,2), 'cancelled before its start, all of it is refunded');
    return next is((select dues.ledger_balance(id) from dues.ledger_account where class_id = v_class), 0::numeric, 'the class keeps nothing');
    return next ok(not tests.fx_student(v_member, v_class, tests.fx_day(4, 1)), 'the member never becomes a student');
    return next is((select isempty(during) from dues.group_membership where class_subscription_id = v_sub), true,
                   'its students group membership stays, covering no day');
end
$$;

create or replace function tests.test_class_subscription_cancel__refunds_unused_sessions()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('per_session', '{"price_per_session": "12.50", "min_sessions": 1, "max_sessions": 10}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, '{"sessions": 4}');
    return next is((api.class_subscription_cancel(v_sub, refund => true)).refund, 50.00::numeric(14,2),
                   'four sessions not used: 4 x 12.50 back');
    return next ok(tests.fx_student(v_member, v_class, tests.fx_today()), 'a student until the end of today');
    return next ok(not tests.fx_student(v_member, v_class, tests.fx_today() + 1), 'not tomorrow');
end
$$;

create or replace function tests.test_class_subscription_cancel__open_ended_refunds_nothing()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_count  bigint;
    v_cancel dues.class_subscription_cancellation;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class);
    v_count := tests.fx_ledger_transactions();
    v_cancel := api.class_subscription_cancel(v_sub, tests.fx_today() + 10, refund => true);
    return next is((v_cancel.refund, v_cancel.ledger_transaction_id), (0::numeric(14,2), null::bigint),
                   'an open-ended subscription that has begun has no unused part to measure');
    return next is(tests.fx_ledger_transactions(), v_count, 'no money moved');
    return next ok(tests.fx_student(v_member, v_class, tests.fx_today() + 10), 'a student to its last day');
    return next ok(not tests.fx_student(v_member, v_class, tests.fx_today() + 11), 'not after');
end
$$;

create or replace function tests.test_class_subscription_cancel__without_refund_moves_no_money()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_count  bigint;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    v_count := tests.fx_ledger_transactions();
    return next is((api.class_subscription_cancel(v_sub, tests.fx_day(4, 10))).refund, 0::numeric(14,2), 'nothing refunded');
    return next is(tests.fx_ledger_transactions(), v_count, 'no money moved');
    return next is((select dues.ledger_balance(id) from dues.ledger_account where class_id = v_class), 30::numeric, 'the class keeps what was paid');
    return next ok(not tests.fx_student(v_member, v_class, tests.fx_day(4, 11)), 'the member left the students group');
end
$$;

create or replace function tests.test_class_subscription_cancel__member_cancels_own_no_refund()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_sub    bigint;
    v_before jsonb;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    v_before := tests.fx_state();
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.class_subscription_cancel(%s)', v_sub), '42501',
                          format('not allowed to act on class subscription %s', v_sub),
                          'another member cannot cancel it');
    return next is(tests.fx_error(format('select api.class_subscription_cancel(%s)', v_sub)),
                   tests.fx_error('select api.class_subscription_cancel(-1)'),
                   'nor tell it from a subscription that does not exist');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.class_subscription_cancel(%s, refund => true)', v_sub), '42501', null,
                          'a member cannot refund itself: refunds are staff''s');
    return next throws_ok(format('select api.class_subscription_cancel(%s, %L)', v_sub, tests.fx_today() - 1), 'DUB19', null,
                          'a member cannot cancel into the past');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.class_subscription_cancel(%s)', v_sub), '42501', null,
                          'a request without a token cannot cancel it');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'the refusals changed nothing');
    perform tests.fx_as_member(v_member);
    return next is((api.class_subscription_cancel(v_sub, tests.fx_day(4, 15))).cancelled_by, format('member %s', v_member),
                   'the member cancels its own, without refund');
end
$$;

create or replace function tests.test_class_subscription_cancel__manager_cancels_for_its_org()
returns setof text
language plpgsql
as $$
declare
    v_class       bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_org         bigint := tests.fx_member('Acme', 'organization');
    v_manager     bigint := tests.fx_member();
    v_contributor bigint := tests.fx_member();
    v_sub         bigint;
begin
    perform tests.fx_organization_role(v_manager, v_org, 'manager');
    perform tests.fx_organization_role(v_contributor, v_org, 'contributor');
    v_sub := tests.fx_class_subscription(v_org, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    perform tests.fx_as_member(v_contributor);
    return next throws_ok(format('select api.class_subscription_cancel(%s)', v_sub), '42501', null,
                          'a contributor cannot cancel the organization''s subscription');
    perform tests.fx_as_member(v_manager);
    return next lives_ok(format('select api.class_subscription_cancel(%s)', v_sub), 'a manager can');
end
$$;

create or replace function tests.test_class_subscription_cancel__refuses_bad_cancellations()
returns setof text
language plpgsql
as $$
declare
    v_class     bigint := tests.fx_class('fixed_term', '{"price": "30.00", "months": 1}');
    v_recurring bigint := tests.fx_recurring_class();
    v_member    bigint := tests.fx_member();
    v_sub       bigint;
    v_rsub      bigint;
    v_before    jsonb;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class, jsonb_build_object('start_date', tests.fx_day(4, 1)));
    v_rsub := tests.fx_subscribe(v_member, v_recurring, tests.fx_day(4, 1));
    v_before := tests.fx_state();
    return next throws_ok('select api.class_subscription_cancel(null)', 'DU014', null, 'a null subscription is refused');
    return next throws_ok(format('select api.class_subscription_cancel(%s, refund => null)', v_sub), 'DU014', null,
                          'a null refund is refused');
    return next throws_ok('select api.class_subscription_cancel(-1)', 'DU700', 'class subscription -1 not found',
                          'an unknown subscription is refused');
    return next throws_ok(format('select api.class_subscription_cancel(%s)', v_rsub), 'DU702',
                          format('class subscription %s is recurring: recurring_subscription_cancel ends it', v_rsub),
                          'a recurring subscription is refused');
    return next throws_ok(format('select api.class_subscription_cancel(%s, %L)', v_sub, tests.fx_day(5, 1)), 'DU703',
                          format('class subscription %s ends on %s: it cannot be cancelled after %s', v_sub, tests.fx_day(4, 30),
                                 tests.fx_day(5, 1)),
                          'a last day after its own is refused');
    return next throws_ok(format('select api.class_subscription_cancel(%s, %L)', v_sub, tests.fx_today() - 1), 'DU014', null,
                          'staff cancelling into the past must say why');
    return next throws_ok(format('select api.class_subscription_cancel(%s, why => %L)', v_sub, repeat('x', 4001)), 'DU016', null,
                          'a reason too long is refused');
    return next is(tests.fx_state(), v_before, 'the refusals changed nothing');
    perform api.class_subscription_cancel(v_sub, tests.fx_day(4, 10));
    return next throws_ok(format('select api.class_subscription_cancel(%s)', v_sub), 'DU701',
                          format('class subscription %s was cancelled on %s (its last day: %s)', v_sub, tests.fx_today(),
                                 tests.fx_day(4, 10)),
                          'cancelling twice is refused');
end
$$;

create or replace function tests.test_class_subscription_cancel__staff_correct_past_with_reason()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_cancel dues.class_subscription_cancellation;
begin
    v_sub := tests.fx_class_subscription(v_member, v_class);
    v_cancel := api.class_subscription_cancel(v_sub, tests.fx_today() - 1, true, 'bought by mistake');
    return next is(v_cancel.refund, 40.00::numeric(14,2), 'a last day before its first: all of it is refunded');
    return next is((select why from dues.audit_log where table_name = 'class_subscription_cancellation' and row_id = v_sub),
                   'bought by mistake', 'the reason is in the audit log');
    return next is((select why from dues.audit_log where table_name = 'group_membership' and action = 'update'
                       and (new ->> 'class_subscription_id')::bigint = v_sub),
                   'bought by mistake', 'and with the students group change');
end
$$;
