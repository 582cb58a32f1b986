-- Tests of the membership status rules and jobs.expire: the hackerspace's policy as shipped, and rules as data.
-- Payments are made now (or at a chosen moment) and the job runs days later: every test moves the clock forward.

create or replace function tests.test_membership_join__waits_in_pending_payments()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_view   dues.membership_view := api.membership_join(v_member, 'signed up at the open day');
begin
    return next is(v_view.status, 'pending', 'a member who joined is pending');
    return next is(v_view.is_membership, false, 'which does not count as membership');
    return next is(v_view.join_date, tests.fx_today(), 'joined today');
    return next ok(tests.fx_in_group(v_member, 'pending_payments'), 'it waits in pending_payments');
    return next ok(not tests.fx_in_group(v_member, 'members'), 'it is not in members yet');
    return next is((select count(*) from dues.group_membership where member_id = v_member), 1::bigint, 'one group membership');
    perform api.membership_join(v_member);
    return next is((select count(*) from dues.group_membership where member_id = v_member), 1::bigint, 'joining twice adds nothing');
    return next is((select why from dues.audit_log where table_name = 'membership' and member_id = v_member),
                   'signed up at the open day', 'the membership is in the audit log');
end
$$;

create or replace function tests.test_expire__a_payment_makes_a_pending_member_current()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
begin
    perform tests.fx_pay(v_member, 25);
    return next is(jobs.expire(now()) -> 'entered', '{"current": 1}'::jsonb, 'the job reports the member it made current');
    return next is((api.membership_status(v_member)).status, 'current', 'the member is current');
    return next is((api.membership_status(v_member)).is_membership, true, 'which counts as membership');
    return next ok(tests.fx_in_group(v_member, 'members'), 'the rule put it in members');
    return next ok(not tests.fx_in_group(v_member, 'pending_payments', tests.fx_today() + 1), 'and out of pending_payments');
    return next is((select upper(during) from dues.group_membership where member_id = v_member and group_id = tests.fx_group_id('pending_payments')),
                   tests.fx_today() + 1, 'having waited there today: a membership covers at least its first day');
end
$$;

create or replace function tests.test_expire__reminds_at_40_60_80_days_once_each_and_removes_at_90()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_t0     timestamptz := now();
    v_email  text := tests.fx_email(v_member);
begin
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(v_t0);
    perform jobs.expire(v_t0 + interval '39 days');
    return next is((api.membership_status(v_member)).status, 'current', 'day 39: still current');
    return next is_empty(format('select * from tests.fx_outbox(%L, %L)', 'membership_reminder', v_email), 'no reminder before day 40');

    perform jobs.expire(v_t0 + interval '40 days');
    return next is((api.membership_status(v_member)).status, 'reminded_40', 'day 40: first reminder status');
    return next results_eq(format('select data ->> %L from tests.fx_outbox(%L, %L)', 'days', 'membership_reminder', v_email),
                           $q$values ('40')$q$, 'one reminder, saying 40 days');
    return next is(jobs.expire(v_t0 + interval '40 days') -> 'entered', '{}'::jsonb, 'running again for the same now changes nothing');
    perform jobs.expire(v_t0 + interval '50 days');
    return next is((select count(*) from tests.fx_outbox('membership_reminder', v_email)), 1::bigint, 'nor does running again later');

    perform jobs.expire(v_t0 + interval '60 days');
    perform jobs.expire(v_t0 + interval '80 days');
    perform jobs.expire(v_t0 + interval '80 days 12 hours');
    return next results_eq(format('select data ->> %L from tests.fx_outbox(%L, %L)', 'days', 'membership_reminder', v_email),
                           $q$values ('40'), ('60'), ('80')$q$, 'reminders at 40, 60 and 80 days, each once');

    perform jobs.expire(v_t0 + interval '89 days');
    return next ok(tests.fx_in_group(v_member, 'members', tests.fx_today() + 89), 'day 89: still in members');
    perform jobs.expire(v_t0 + interval '90 days');
    return next is((api.membership_status(v_member)).status, 'expired', 'day 90: expired');
    return next is((api.membership_status(v_member)).is_membership, false, 'which is not membership');
    return next ok(not tests.fx_in_group(v_member, 'members', tests.fx_today() + 90), 'removed from members from day 90');
    return next ok(tests.fx_in_group(v_member, 'members', tests.fx_today() + 89), 'its membership until day 89 is kept');
    return next results_eq(format('select status from dues.membership_status_change where member_id = %s order by id', v_member),
                           $q$values ('pending'), ('current'), ('reminded_40'), ('reminded_60'), ('reminded_80'), ('expired')$q$,
                           'every status it went through is in its history');
end
$$;

create or replace function tests.test_expire__a_late_run_sends_only_the_reminder_due()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
begin
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(now() + interval '85 days');
    return next results_eq(format('select data ->> %L from tests.fx_outbox(%L, %L)', 'days', 'membership_reminder', tests.fx_email(v_member)),
                           $q$values ('85')$q$, 'a job that did not run for 85 days sends one reminder, not three');
    return next is((api.membership_status(v_member)).status, 'reminded_80', 'the status of the day');
end
$$;

create or replace function tests.test_expire__a_new_payment_brings_an_expired_member_back()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_t0     timestamptz := now();
begin
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(v_t0);
    perform jobs.expire(v_t0 + interval '95 days');
    return next ok(not tests.fx_in_group(v_member, 'members', tests.fx_today() + 95), 'expired after 95 days');
    perform tests.fx_pay_at(v_member, v_t0 + interval '100 days');
    perform jobs.expire(v_t0 + interval '100 days');
    return next is((api.membership_status(v_member)).status, 'current', 'a payment makes it current again');
    return next ok(tests.fx_in_group(v_member, 'members', tests.fx_today() + 100), 'back in members');
    perform jobs.expire(v_t0 + interval '140 days');
    return next is((select count(*) from tests.fx_outbox('membership_reminder', tests.fx_email(v_member))), 1::bigint,
                   'reminders count again from the new payment');
end
$$;

create or replace function tests.test_expire__a_refunded_payment_no_longer_counts()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_joined_member();
    v_t0      timestamptz := now();
    v_payment bigint;
begin
    perform tests.fx_pay_at(v_member, v_t0 - interval '100 days');
    v_payment := tests.fx_pay_at(v_member, v_t0);
    return next is(dues.member_last_payment_date(v_member), tests.fx_today(), 'the last payment is today''s');
    insert into dues.refund (payment_id, amount, refunded_on, ledger_transaction_id)
    values (v_payment, 25, tests.fx_today(),
            dues.ledger_transfer(dues.member_account(v_member, 'USD'), dues.processor_account('manual', 'USD'), 25, 'refund'));
    return next is(dues.member_last_payment_date(v_member), tests.fx_today() - 100, 'refunded in full, the one before is the last');
end
$$;

create or replace function tests.test_expire__a_resigned_member_keeps_access_31_days_after_its_last_payment()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_t0     timestamptz := now();
    v_today  date := tests.fx_today();
begin
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(v_t0);
    perform api.membership_resign(v_member, v_today + 10, 'moving abroad');
    perform jobs.expire(v_t0 + interval '10 days');
    return next is((api.membership_status(v_member)).status, 'resigned', 'resigned from the day it said');
    return next is((api.membership_status(v_member)).is_membership, true, 'which still counts as membership');
    perform jobs.expire(v_t0 + interval '30 days');
    return next ok(tests.fx_in_group(v_member, 'members', v_today + 30), 'day 30: still in members');
    perform jobs.expire(v_t0 + interval '31 days');
    return next is((api.membership_status(v_member)).status, 'left', 'day 31: it has left');
    return next ok(not tests.fx_in_group(v_member, 'members', v_today + 31), 'and is out of members');
    perform jobs.expire(v_t0 + interval '45 days');
    perform jobs.expire(v_t0 + interval '95 days');
    return next is_empty(format('select * from tests.fx_outbox(%L, %L)', 'membership_reminder', tests.fx_email(v_member)),
                         'a member who left gets no reminder');
end
$$;

create or replace function tests.test_expire__resigning_after_the_paid_time_leaves_at_once()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_today  date := tests.fx_today();
begin
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(now());
    perform api.membership_resign(v_member, v_today + 50);
    perform jobs.expire(now() + interval '50 days');
    return next is((api.membership_status(v_member)).status, 'left', 'resigned 50 days after paying: left the same day');
    return next ok(not tests.fx_in_group(v_member, 'members', v_today + 50), 'out of members');
end
$$;

create or replace function tests.test_expire__waived_members_are_exempt()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
begin
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(now());
    perform api.membership_waive(v_member, true, 'honorary member');
    perform jobs.expire(now() + interval '45 days');
    perform jobs.expire(now() + interval '200 days');
    return next is((api.membership_status(v_member)).waived, true, 'the dues are waived');
    return next is((api.membership_status(v_member)).status, 'current', 'its status does not move');
    return next ok(tests.fx_in_group(v_member, 'members', tests.fx_today() + 200), 'it stays in members');
    return next is_empty(format('select * from tests.fx_outbox(%L, %L)', 'membership_reminder', tests.fx_email(v_member)),
                         'it gets no reminder');
    return next is((select why from dues.audit_log where table_name = 'membership' and member_id = v_member and action = 'update'),
                   'honorary member', 'the waiver is in the audit log');
end
$$;

create or replace function tests.test_expire__linked_members_follow_their_master()
returns setof text
language plpgsql
as $$
declare
    v_master bigint := tests.fx_joined_member('Master');
    v_linked bigint := tests.fx_joined_member('Linked');
    v_today  date := tests.fx_today();
begin
    perform api.member_link(v_linked, v_master);
    perform tests.fx_pay(v_master, 40);
    perform jobs.expire(now());
    return next ok(tests.fx_in_group(v_linked, 'members'), 'the linked member entered members with its master');
    return next ok(not tests.fx_in_group(v_linked, 'pending_payments', v_today + 1), 'and left pending_payments');
    return next is((api.membership_status(v_linked)).status, 'current', 'it shows its master''s status');
    return next is((api.membership_status(v_linked)).master_id, v_master, 'and its master');
    perform jobs.expire(now() + interval '40 days');
    perform jobs.expire(now() + interval '60 days');
    perform jobs.expire(now() + interval '80 days');
    perform jobs.expire(now() + interval '90 days');
    return next ok(not tests.fx_in_group(v_linked, 'members', v_today + 90), 'it leaves members with its master');
    return next is_empty(format('select * from tests.fx_outbox(%L, %L)', 'membership_reminder', tests.fx_email(v_linked)),
                         'reminders go to the master only');
    return next is((select count(*) from tests.fx_outbox('membership_reminder', tests.fx_email(v_master))), 3::bigint,
                   'the master got its three');
end
$$;

create or replace function tests.test_expire__rules_are_rows_a_dba_changes()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_group  bigint := tests.fx_group();
begin
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(now());
    -- a fourth reminder, at 85 days, that also puts the member in a follow-up group
    insert into dues.membership_status_rule
        (status, start_event, start_offset, end_event, end_offset, weight, is_membership, reminder_template, add_groups)
    values ('reminded_85', 'last_payment_date', '85 days', 'last_payment_date', '90 days', 55, true, 'membership_reminder',
            array[(select key from dues."group" where id = v_group)]);
    -- and the first reminder moved to 30 days
    update dues.membership_status_rule set start_offset = '30 days' where status = 'reminded_40';
    perform jobs.expire(now() + interval '30 days');
    return next is((api.membership_status(v_member)).status, 'reminded_40', 'the first reminder now comes at 30 days');
    perform jobs.expire(now() + interval '86 days');
    return next is((api.membership_status(v_member)).status, 'reminded_85', 'the new rule holds at 86 days');
    return next ok(dues.member_in_group(v_member, v_group, tests.fx_today() + 86), 'its action put the member in the group');
    return next results_eq(format('select data ->> %L from tests.fx_outbox(%L, %L)', 'days', 'membership_reminder', tests.fx_email(v_member)),
                           $q$values ('30'), ('86')$q$, 'and queued its reminder');
end
$$;

create or replace function tests.test_membership_status_rule__refuses_rules_that_cannot_work()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok($q$insert into dues.membership_status_rule (status, start_event, weight, is_membership, add_groups)
                             values ('x', 'join_date', 1001, true, '{no_such_group}')$q$,
                          'DU112', 'membership status rule x: no group has key no_such_group', 'a group key must exist');
    return next throws_ok($q$insert into dues.membership_status_rule (status, start_event, weight, is_membership, reminder_template)
                             values ('x', 'join_date', 1001, true, 'chat_invite')$q$,
                          'DU112', 'membership status rule x: chat_invite is not an e-mail template', 'a reminder is an e-mail');
    return next throws_ok($q$insert into dues.membership_status_rule (status, start_event, start_offset, end_event, end_offset, weight, is_membership)
                             values ('x', 'join_date', '10 days', 'join_date', '5 days', 1001, true)$q$,
                          'DU112', 'membership status rule x: it ends (join_date + 5 days) before it starts (join_date + 10 days)',
                          'a rule ends after it starts');
    return next throws_ok($q$insert into dues.membership_status_rule (status, start_event, weight, is_membership, add_groups, remove_groups)
                             values ('x', 'join_date', 1001, true, '{members}', '{members}')$q$,
                          'DU112', 'membership status rule x: a group is both added and removed', 'a group is added or removed, not both');
    return next throws_ok($q$insert into dues.membership_status_rule (status, start_event, weight, is_membership)
                             values ('x', 'join_date', 60, true)$q$,
                          '23505', null, 'two active rules cannot have the same weight');
    return next is(tests.fx_state(), v_before, 'no rule was added');
end
$$;

create or replace function tests.test_membership__api_refusals_change_nothing()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_joined_member();
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok(format('select api.membership_resign(%s)', v_member), 'DU113',
                          format('member %s has no membership', v_member), 'resigning without a membership');
    return next throws_ok(format('select api.membership_waive(%s, true)', v_member), 'DU113',
                          format('member %s has no membership', v_member), 'waiving without a membership');
    return next throws_ok(format('select api.membership_waive(%s, null)', v_other), 'DU014',
                          'argument waived is required', 'waived is required');
    return next throws_ok('select api.membership_join(-1)', 'DU001', 'member -1 not found', 'an unknown member cannot join');
    return next throws_ok('select api.membership_status(-1)', 'DU001', 'member -1 not found', 'nor have a status');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.membership_join(%s)', v_member), '42501', 'only staff may do this',
                          'a member does not make itself a member');
    return next throws_ok(format('select api.membership_waive(%s, true)', v_other), '42501', 'only staff may do this',
                          'nor waive dues');
    return next throws_ok(format('select api.membership_status(%s)', v_other), '42501',
                          format('not allowed to act for member %s', v_other), 'nor read another member''s status');
    return next throws_ok(format('select api.membership_resign(%s)', v_other), '42501',
                          format('not allowed to act for member %s', v_other), 'nor resign for another member');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;

create or replace function tests.test_membership_rule_list__lists_the_shipped_policy()
returns setof text
language plpgsql
as $$
begin
    return next results_eq(
        $q$select status, start_event, start_offset, end_event, end_offset, is_membership, reminder_template, add_groups, remove_groups
             from api.membership_rule_list() where active$q$,
        $q$values ('resigned'::text, 'end_date'::text, '0 days'::interval, 'last_payment_date'::text, '31 days'::interval, true, null::text, '{}'::text[], '{}'::text[]),
                  ('left', 'end_date', '0 days', null, '0 days', false, null, '{}', '{members}'),
                  ('expired', 'last_payment_date', '90 days', null, '0 days', false, null, '{}', '{members}'),
                  ('reminded_80', 'last_payment_date', '80 days', 'last_payment_date', '90 days', true, 'membership_reminder', '{}', '{}'),
                  ('reminded_60', 'last_payment_date', '60 days', 'last_payment_date', '80 days', true, 'membership_reminder', '{}', '{}'),
                  ('reminded_40', 'last_payment_date', '40 days', 'last_payment_date', '60 days', true, 'membership_reminder', '{}', '{}'),
                  ('current', 'last_payment_date', '0 days', 'last_payment_date', '40 days', true, null, '{members}', '{pending_payments}'),
                  ('pending', 'join_date', '0 days', null, '0 days', false, null, '{}', '{}')$q$,
        'the shipped rules, highest weight first');
end
$$;
