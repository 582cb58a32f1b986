-- Tests of api.signout: the token of the request is revoked.

create or replace function tests.test_signout__revokes_the_token_of_the_request()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_email  text := tests.fx_email(v_member);
    v_mine   text;
    v_other  text;
begin
    perform tests.fx_as_anonymous();
    perform api.signin_request(v_email);
    v_mine := api.signin_complete(v_email, tests.fx_signin_code(v_email)) ->> 'token';
    perform api.signin_request(v_email);
    v_other := api.signin_complete(v_email, tests.fx_signin_code(v_email)) ->> 'token';
    perform tests.fx_as_member(v_member);
    perform set_config('dues.token_hash', tests.fx_token_hash(v_mine), true);
    perform api.signout();
    return next throws_ok(format('select dues.token_identity(%L)', tests.fx_token_hash(v_mine)), '28000', null,
                          'the token the request was made with is refused from then on');
    return next is((select revoked_by from dues.api_token where token_hash = tests.fx_token_hash(v_mine)), 'member ' || v_member,
                   'revoked by the member');
    return next is((select member_id from dues.token_identity(tests.fx_token_hash(v_other))), v_member,
                   'the member''s other session goes on');
    return next lives_ok('select api.signout()', 'signing out twice is harmless');
end
$$;

create or replace function tests.test_signout__needs_a_token()
returns setof text
language plpgsql
as $$
begin
    perform set_config('dues.token_hash', '', true);
    return next throws_ok('select api.signout()', 'DU402', 'this call carries no token to sign out',
                          'a call without a token (dues call) has nothing to sign out');
    return next ok(not has_function_privilege('dues_anonymous', 'api.signout()', 'execute'), 'anonymous callers have no token');
    return next ok(has_function_privilege('dues_member', 'api.signout()', 'execute'), 'members sign out');
end
$$;
