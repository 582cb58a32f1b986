-- Tests of api.membership_join.

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
