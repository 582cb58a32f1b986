-- Tests of api.membership_waive.

create or replace function tests.test_membership_waive__waives_and_gives_back_the_rules()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
begin
    return next is((api.membership_waive(v_member, true, 'honorary member')).waived, true, 'its payments are waived');
    return next is((select why from dues.audit_log where table_name = 'membership' and member_id = v_member and action = 'update'),
                   'honorary member', 'with why in the audit log');
    return next is((api.membership_waive(v_member, true)).waived, true, 'waiving twice is harmless');
    return next is((api.membership_waive(v_member, false)).waived, false, 'and the waiver can be ended');
    return next is((api.membership_status(v_member)).status, 'pending', 'the status rules apply again: still waiting for a payment');
end
$$;

create or replace function tests.test_membership_waive__refuses_nulls_unknowns_and_members()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_plain  bigint := tests.fx_member();
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok(format('select api.membership_waive(%s, null)', v_member), 'DU014', null, 'a null waiver');
    return next throws_ok('select api.membership_waive(-1, true)', 'DU001', null, 'an unknown member');
    return next throws_ok(format('select api.membership_waive(%s, true)', v_plain), 'DU113', null,
                          'a member without a membership');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.membership_waive(%s, true)', v_member), '42501', null,
                          'a member cannot waive its own dues');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
