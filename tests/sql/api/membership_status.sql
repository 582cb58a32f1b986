-- Tests of api.membership_status.

create or replace function tests.test_membership_status__shows_a_member_its_own_membership()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_view   dues.membership_view;
begin
    v_view := api.membership_status(v_member);
    return next is((v_view.member_id, v_view.status, v_view.is_membership, v_view.join_date, v_view.waived),
                   (v_member, 'pending'::text, false, tests.fx_today(), false), 'a member who joined waits for its first payment');
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(now());
    perform tests.fx_as_member(v_member);
    v_view := api.membership_status(v_member);
    return next is((v_view.status, v_view.is_membership, v_view.last_payment_date), ('current'::text, true, tests.fx_today()),
                   'paid, it is current, and sees it itself');
end
$$;

create or replace function tests.test_membership_status__of_a_member_who_never_joined_is_empty()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next is((api.membership_status(v_member)).status, null, 'no status');
    return next is((api.membership_status(v_member)).join_date, null, 'no dates');
    return next throws_ok('select api.membership_status(null)', 'DU014', null, 'a null member');
end
$$;
