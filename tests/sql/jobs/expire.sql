-- Tests of jobs.expire.

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
    return next is((api.membership_status(v_member)).waived, true, 'its payments are waived');
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
