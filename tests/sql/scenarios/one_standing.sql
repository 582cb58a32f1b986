-- One standing: a hackerspace that bills its dues with a recurring class makes its membership status follow the same
-- invoice lateness as billing's standing, by editing the membership status rules (the event oldest_unpaid_due_date).
-- The collector (billing's standing) and jobs.expire (the membership status) run on the same days and agree.

create or replace function tests.test_one_standing__membership_status_follows_invoices()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_joined_member('Lee Late');
begin
    -- the DBA's change, one set of rows: a member is current from its last payment on, at risk more than 60 days after
    -- the due date of its oldest unpaid invoice, expired (out of members) more than 90 days after it: billing's thresholds
    -- (settings standing_at_risk_days and standing_suspend_days)
    update dues.membership_status_rule set end_event = null, end_offset = '0 days' where status = 'current';
    update dues.membership_status_rule set active = false where status in ('reminded_40', 'reminded_60', 'reminded_80');
    update dues.membership_status_rule set start_event = 'oldest_unpaid_due_date', start_offset = '91 days',
                                           description = 'more than 90 days late: removed from members'
     where status = 'expired';
    perform api.membership_rule_set(status => 'at_risk', description => 'more than 60 days late: reminded',
                                    start_event => 'oldest_unpaid_due_date', start_offset => '61 days',
                                    end_event => 'oldest_unpaid_due_date', end_offset => '91 days', weight => 35,
                                    is_membership => true, reminder_template => 'membership_reminder');

    -- January is paid; February on are not
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_pay_at(v_member, (tests.fx_day(12, 18, -1) + time '12:00') at time zone 'UTC', 30);
    perform tests.fx_expire(tests.fx_day(12, 18, -1));
    return next is(((api.membership_status(v_member)).status, tests.fx_standing(v_member)), ('current'::text, 'good'::text),
                   'paid: current, and in good standing');
    for v_month in 1 .. 3 loop
        perform tests.fx_collect(tests.fx_day(v_month, 18));
    end loop;
    perform tests.fx_collect(tests.fx_day(4, 2));
    perform tests.fx_expire(tests.fx_day(4, 2));
    return next is(((api.membership_status(v_member)).status, tests.fx_standing(v_member)), ('current'::text, 'good'::text),
                   'on 2 April the February invoice is 60 days late: still current and good');
    perform tests.fx_collect(tests.fx_day(4, 3));
    perform tests.fx_expire(tests.fx_day(4, 3));
    return next is(((api.membership_status(v_member)).status, tests.fx_standing(v_member)), ('at_risk'::text, 'at_risk'::text),
                   'on 3 April, 61 days late, both say at risk');
    return next is((select count(*)::int from tests.fx_outbox('membership_reminder', tests.fx_email(v_member))), 1,
                   'the membership rule reminds the member');
    perform tests.fx_collect(tests.fx_day(5, 2));
    perform tests.fx_expire(tests.fx_day(5, 2));
    return next is(((api.membership_status(v_member)).status, tests.fx_standing(v_member)), ('at_risk'::text, 'at_risk'::text),
                   'on 2 May, 90 days late, still at risk');
    perform tests.fx_collect(tests.fx_day(5, 3));
    perform tests.fx_expire(tests.fx_day(5, 3));
    return next is(((api.membership_status(v_member)).status, tests.fx_standing(v_member)), ('expired'::text, 'suspended'::text),
                   'on 3 May, 91 days late, the member is expired and suspended');
    return next ok(not tests.fx_in_group(v_member, 'members', tests.fx_day(5, 3)), 'and out of members');

    -- everything owed is paid on 3 May (the collector's next run applies the payment)
    perform tests.fx_pay_at(v_member, (tests.fx_day(5, 3) + time '14:00') at time zone 'UTC',
                            (api.member_standing(v_member, tests.fx_day(5, 3))).amount_due);
    perform tests.fx_collect(tests.fx_day(5, 4));
    perform tests.fx_expire(tests.fx_day(5, 4));
    return next is(((api.membership_status(v_member)).status, tests.fx_standing(v_member)), ('current'::text, 'good'::text),
                   'paid up: current and good again at the next runs');
    return next ok(tests.fx_in_group(v_member, 'members', tests.fx_day(5, 4)), 'and back in members');
end
$$;

-- One set of rows: the membership status rules give billing's standing as well (column standing), the rules that gave only a
-- standing retire, and a DBA who then moves a threshold moves it once, for both answers.
create or replace function tests.test_one_standing__one_set_of_rows_for_both_answers()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_joined_member('Olu One');
begin
    -- the policy, written once: current from the last payment on; at risk more than 60 days after the oldest unpaid due date;
    -- expired and suspended more than 90 days after it
    update dues.membership_status_rule set active = false where status is null;
    update dues.membership_status_rule set end_event = null, end_offset = '0 days' where status = 'current';
    update dues.membership_status_rule set active = false where status in ('reminded_40', 'reminded_60', 'reminded_80');
    update dues.membership_status_rule set start_event = 'oldest_unpaid_due_date', start_offset = '91 days', standing = 'suspended'
     where status = 'expired';
    perform api.membership_rule_set(status => 'at_risk', standing => 'at_risk', start_event => 'oldest_unpaid_due_date',
                                    start_offset => '61 days', weight => 35, is_membership => true,
                                    reminder_template => 'membership_reminder');
    -- then the board wants members at risk after 30 days: one row changes
    update dues.membership_status_rule set start_offset = '31 days' where status = 'at_risk';

    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_pay_at(v_member, (tests.fx_day(12, 18, -1) + time '12:00') at time zone 'UTC', 30);
    for v_month in 1 .. 2 loop
        perform tests.fx_collect(tests.fx_day(v_month, 18));
    end loop;
    perform tests.fx_collect(tests.fx_day(3, 3));
    perform tests.fx_expire(tests.fx_day(3, 3));
    return next is(((api.membership_status(v_member)).status, tests.fx_standing(v_member)), ('current'::text, 'good'::text),
                   'on 3 March the February invoice is 30 days late: current and good');
    perform tests.fx_collect(tests.fx_day(3, 4));
    perform tests.fx_expire(tests.fx_day(3, 4));
    return next is(((api.membership_status(v_member)).status, tests.fx_standing(v_member)), ('at_risk'::text, 'at_risk'::text),
                   'on 4 March, 31 days late, both say at risk: the one row moved both answers');
    return next is((select count(*)::int from tests.fx_outbox('standing_at_risk', tests.fx_email(v_member))), 1,
                   'billing''s message goes as before');
    perform tests.fx_collect(tests.fx_day(5, 3));
    perform tests.fx_expire(tests.fx_day(5, 3));
    return next is(((api.membership_status(v_member)).status, tests.fx_standing(v_member)), ('expired'::text, 'suspended'::text),
                   'on 3 May, 91 days late: expired and suspended, from the same row');
    perform tests.fx_pay_at(v_member, (tests.fx_day(5, 3) + time '14:00') at time zone 'UTC',
                            (api.member_standing(v_member, tests.fx_day(5, 3))).amount_due);
    perform tests.fx_collect(tests.fx_day(5, 4));
    perform tests.fx_expire(tests.fx_day(5, 4));
    return next is(((api.membership_status(v_member)).status, tests.fx_standing(v_member)), ('current'::text, 'good'::text),
                   'paid up: current and good');
end
$$;
