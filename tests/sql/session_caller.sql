-- Tests of who a pooled connection's session acts as: dues.token_identity, dues.session_set and
-- dues.session_authenticate (what dues serve calls), and that no request role may call them.

create or replace function tests.test_token_identity__says_who_a_token_is()
returns setof text
language plpgsql
as $$
declare
    v_member bigint         := tests.fx_member();
    v_token  dues.api_token := tests.fx_token(v_member, now() + interval '1 day');
    v_staff  dues.api_token := tests.fx_token();
begin
    return next results_eq(format('select role, member_id, actor, expires_at from dues.token_identity(%L)', v_token.token_hash),
                           format($q$values ('dues_member'::text, %s::bigint, 'member %s'::text, %L::timestamptz)$q$,
                                  v_member, v_member, v_token.expires_at),
                           'a member''s token: its member, and when it expires');
    return next results_eq(format('select role, member_id, actor from dues.token_identity(%L)', v_staff.token_hash),
                           format($q$values ('dues_staff'::text, null::bigint, 'staff token %s'::text)$q$, v_staff.id),
                           'a staff token acts for no member');
    return next results_eq('select role, member_id, actor from dues.token_identity(null)',
                           $q$values ('dues_anonymous'::text, null::bigint, 'anonymous'::text)$q$,
                           'no token: anonymous');
end
$$;

create or replace function tests.test_token_identity__refuses_unknown_expired_and_revoked_tokens()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint         := tests.fx_member();
    v_expired dues.api_token := tests.fx_token(v_member, now() - interval '1 second');
    v_revoked dues.api_token := tests.fx_token(v_member);
begin
    update dues.api_token set revoked_at = now() where id = v_revoked.id;
    return next throws_ok(format('select * from dues.token_identity(%L)', repeat('0', 64)), '28000',
                          'invalid, expired or revoked token', 'an unknown token');
    return next throws_ok(format('select * from dues.token_identity(%L)', v_expired.token_hash), '28000',
                          'invalid, expired or revoked token', 'an expired token');
    return next throws_ok(format('select * from dues.token_identity(%L)', v_revoked.token_hash), '28000',
                          'invalid, expired or revoked token', 'a revoked token');
end
$$;

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

create or replace function tests.test_session_authenticate__checks_the_token_then_sets_the_session()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint         := tests.fx_member();
    v_token   dues.api_token := tests.fx_token(v_member);
    v_revoked dues.api_token := tests.fx_token(v_member);
    v_who     record;
begin
    update dues.api_token set revoked_at = now() where id = v_revoked.id;
    return next throws_ok(format('select * from dues.session_authenticate(%L, true)', v_revoked.token_hash), '28000', null,
                          'a revoked token is refused');
    return next is(current_user::text, session_user::text, 'and the session is left as it was');
    execute format('select * from dues.session_authenticate(%L, true)', v_token.token_hash) into v_who;
    v_who := row(v_who.role, v_who.member_id, v_who.actor, current_user::text);
    reset role;
    return next is(v_who::text, row('dues_member', v_member, 'member ' || v_member, 'dues_member')::text,
                   'a valid token: who it is is returned, and the session acts as it');
end
$$;

create or replace function tests.test_session_caller__no_request_role_may_call_these()
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
