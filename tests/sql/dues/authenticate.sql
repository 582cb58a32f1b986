-- Tests of dues.authenticate and dues.impersonate (who a request acts as), and of dues.caller_member_id and
-- dues.caller_is_staff, which read what they set. The role switch is undone (tests.fx_caller_after) before asserting.

create or replace function tests.test_authenticate__makes_a_request_without_token_anonymous()
returns setof text
language plpgsql
as $$
begin
    return next is(tests.fx_caller_after('select dues.authenticate(null)'),
                   jsonb_build_object('role', 'dues_anonymous', 'current_user', 'dues_anonymous',
                                      'member_id', '', 'staff', 'false', 'actor', 'anonymous'),
                   'without a token the request runs as dues_anonymous, for no member, not staff');
end
$$;

create or replace function tests.test_authenticate__makes_a_member_token_act_as_its_member()
returns setof text
language plpgsql
as $$
declare
    v_member bigint         := tests.fx_member();
    v_token  dues.api_token := tests.fx_token(v_member);
begin
    return next is(tests.fx_caller_after(format('select dues.authenticate(%L)', v_token.token_hash)),
                   jsonb_build_object('role', 'dues_member', 'current_user', 'dues_member',
                                      'member_id', v_member::text, 'staff', 'false', 'actor', 'member ' || v_member),
                   'a member''s token runs the request as dues_member, for that member');
end
$$;

create or replace function tests.test_authenticate__makes_a_staff_token_act_as_staff()
returns setof text
language plpgsql
as $$
declare
    v_token dues.api_token := tests.fx_token();
begin
    return next is(tests.fx_caller_after(format('select dues.authenticate(%L)', v_token.token_hash)),
                   jsonb_build_object('role', 'dues_staff', 'current_user', 'dues_staff',
                                      'member_id', '', 'staff', 'true', 'actor', 'staff token ' || v_token.id),
                   'a staff token runs the request as dues_staff, for no member, naming the token as actor');
end
$$;

create or replace function tests.test_authenticate__accepts_a_token_until_it_expires()
returns setof text
language plpgsql
as $$
declare
    v_member bigint         := tests.fx_member();
    v_token  dues.api_token := tests.fx_token(v_member, now() + interval '1 minute');
begin
    return next is(tests.fx_caller_after(format('select dues.authenticate(%L)', v_token.token_hash)) ->> 'member_id',
                   v_member::text, 'a token that expires in a minute still authenticates');
end
$$;

create or replace function tests.test_authenticate__refuses_an_unknown_token()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
    v_caller jsonb := tests.fx_caller();
begin
    return next throws_ok(format('select dues.authenticate(%L)', tests.fx_token_hash('never issued')),
                          '28000', 'invalid, expired or revoked token', 'a hash no token has is refused');
    return next throws_ok('select dues.authenticate('''')', '28000', null,
                          'an empty hash is refused, not taken for no token');
    return next is(tests.fx_caller(), v_caller, 'the refused requests act as nobody new');
    return next is(tests.fx_state(), v_before, 'the refused requests changed nothing');
end
$$;

create or replace function tests.test_authenticate__refuses_an_expired_token()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint         := tests.fx_member();
    v_expired dues.api_token := tests.fx_token(v_member, now() - interval '1 second');
    v_now     dues.api_token := tests.fx_token(v_member, now());
    v_before  jsonb          := tests.fx_state();
    v_caller  jsonb          := tests.fx_caller();
begin
    return next throws_ok(format('select dues.authenticate(%L)', v_expired.token_hash),
                          '28000', null, 'a token that expired a second ago is refused');
    return next throws_ok(format('select dues.authenticate(%L)', v_now.token_hash),
                          '28000', null, 'a token is expired from the instant of expires_at');
    return next is(tests.fx_caller(), v_caller, 'the refused requests act as nobody new');
    return next is(tests.fx_state(), v_before, 'the refused requests changed nothing');
end
$$;

create or replace function tests.test_authenticate__refuses_a_revoked_token()
returns setof text
language plpgsql
as $$
declare
    v_member bigint         := tests.fx_member();
    v_token  dues.api_token := tests.fx_token(v_member, now() + interval '1 day');
    v_before jsonb;
    v_caller jsonb          := tests.fx_caller();
begin
    update dues.api_token set revoked_at = now(), revoked_by = 'fx' where id = v_token.id;
    v_before := tests.fx_state();
    return next throws_ok(format('select dues.authenticate(%L)', v_token.token_hash),
                          '28000', null, 'a revoked token is refused before it expires');
    return next is(tests.fx_caller(), v_caller, 'the refused request acts as nobody new');
    return next is(tests.fx_state(), v_before, 'the refused request changed nothing');
end
$$;
