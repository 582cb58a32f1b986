-- Tests of api.token_revoke.

create or replace function tests.test_token_revoke__refuses_any_caller_but_staff()
returns setof text
language plpgsql
as $$
declare
    v_member bigint         := tests.fx_member();
    v_token  dues.api_token := tests.fx_token(v_member);
    v_before jsonb          := tests.fx_state();
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.token_revoke(%s)', v_token.id),
                          '42501', null, 'a member cannot revoke a token, not even its own');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.token_revoke(%s)', v_token.id),
                          '42501', null, 'a request without a token cannot revoke one');
    return next is(tests.fx_state(), v_before, 'the refused calls revoked nothing');
end
$$;

create or replace function tests.test_token_revoke__makes_the_token_fail_to_authenticate()
returns setof text
language plpgsql
as $$
declare
    v_member bigint         := tests.fx_member();
    v_token  dues.api_token := tests.fx_token(v_member);
    v_other  dues.api_token := tests.fx_token(v_member);
    v_stored dues.api_token;
begin
    perform tests.fx_as_staff();
    perform set_config('dues.actor', 'treasurer', true);
    perform api.token_revoke(v_token.id);
    select * into v_stored from dues.api_token where id = v_token.id;
    return next is((v_stored.revoked_at, v_stored.revoked_by), (now(), 'treasurer'::text),
                   'when and by whom the token was revoked is recorded');
    return next throws_ok(format('select dues.authenticate(%L)', v_token.token_hash),
                          '28000', null, 'the revoked token no longer authenticates');
    return next is(tests.fx_caller_after(format('select dues.authenticate(%L)', v_other.token_hash)) ->> 'member_id',
                   v_member::text, 'the member''s other token still authenticates');
end
$$;

create or replace function tests.test_token_revoke__is_harmless_twice()
returns setof text
language plpgsql
as $$
declare
    v_token  dues.api_token := tests.fx_token(tests.fx_member());
    v_before jsonb;
begin
    perform set_config('dues.actor', 'treasurer', true);
    perform api.token_revoke(v_token.id);
    v_before := tests.fx_state();
    perform set_config('dues.actor', 'auditor', true);
    return next lives_ok(format('select api.token_revoke(%s)', v_token.id), 'a revoked token can be revoked again');
    return next is(tests.fx_state(), v_before, 'the second revocation changed nothing, not even who revoked the token');
end
$$;

create or replace function tests.test_token_revoke__refuses_an_unknown_token()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok('select api.token_revoke(-1)', 'DU072', 'token -1 not found', 'an unknown token is refused');
    return next is(tests.fx_state(), v_before, 'the refused call changed nothing');
end
$$;

create or replace function tests.test_token_revoke__refuses_a_null_token()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select api.token_revoke(null)', 'DU014', null,
                          'a null token is a missing argument, as for every api function, not a token not found');
end
$$;
