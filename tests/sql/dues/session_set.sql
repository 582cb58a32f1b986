-- Tests of dues.session_set.

create or replace function tests.test_session_set__acts_for_the_caller_until_set_again()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next is(tests.fx_caller_after(format('select dues.session_set(%L, %s, %L, false)', 'dues_member', v_member,
                                                'member ' || v_member)),
                   jsonb_build_object('role', 'dues_member', 'current_user', 'dues_member', 'member_id', v_member::text,
                                      'staff', 'false', 'actor', 'member ' || v_member),
                   'the session acts as dues_member, for that member');
    return next is(current_setting('default_transaction_read_only'), 'off', 'its transactions may write');
    perform tests.fx_caller_after($q$select dues.session_set('dues_staff', null, 'staff token 1', true)$q$);
    return next is(tests.fx_caller() - 'role' - 'current_user',
                   jsonb_build_object('member_id', '', 'staff', 'true', 'actor', 'staff token 1'),
                   'set again: staff, for no member');
    return next is(current_setting('default_transaction_read_only'), 'on', 'its transactions are read-only');
end
$$;

create or replace function tests.test_session_set__refuses_any_other_role()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok($q$select dues.session_set('postgres', null, 'x', false)$q$, '42501', null,
                          'a role that is not one of the three a request runs under');
    return next throws_ok($q$select dues.session_set(null, null, 'x', false)$q$, '42501', null, 'no role');
    return next is(current_user::text, session_user::text, 'nothing changed');
end
$$;

create or replace function tests.test_session_set__no_request_role_may_call_the_session_functions()
returns setof text
language plpgsql
as $$
declare
    v_role text;
    v_fn   text;
begin
    foreach v_role in array array['dues_anonymous', 'dues_member', 'dues_staff'] loop
        foreach v_fn in array array['dues.token_identity(text)', 'dues.session_set(text, bigint, text, boolean)',
                                    'dues.session_authenticate(text, boolean)'] loop
            return next ok(not has_function_privilege(v_role, v_fn, 'execute'), v_role || ' may not execute ' || v_fn);
        end loop;
    end loop;
end
$$;
