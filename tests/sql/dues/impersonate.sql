-- Tests of dues.impersonate.

create or replace function tests.test_impersonate__acts_as_staff_without_a_member()
returns setof text
language plpgsql
as $$
begin
    return next is(tests.fx_caller_after('select dues.impersonate(null)'),
                   jsonb_build_object('role', 'dues_staff', 'current_user', 'dues_staff',
                                      'member_id', '', 'staff', 'true', 'actor', 'cli ' || session_user),
                   'dues call without a member runs as dues_staff, naming the database user as actor');
end
$$;

create or replace function tests.test_impersonate__acts_as_the_member_given()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next is(tests.fx_caller_after(format('select dues.impersonate(%s)', v_member)),
                   jsonb_build_object('role', 'dues_member', 'current_user', 'dues_member',
                                      'member_id', v_member::text, 'staff', 'false',
                                      'actor', 'cli ' || session_user || ' as member ' || v_member),
                   'dues call as a member runs as dues_member, for that member');
end
$$;

create or replace function tests.test_impersonate__refuses_an_unknown_member()
returns setof text
language plpgsql
as $$
declare
    v_caller jsonb := tests.fx_caller();
begin
    return next throws_ok('select dues.impersonate(-1)', 'DU001', 'member -1 not found',
                          'dues call cannot act as a member that does not exist');
    return next is(tests.fx_caller(), v_caller, 'the refused call acts as nobody new');
end
$$;
