-- Tests of api.token_create.

create or replace function tests.test_token_create__refuses_any_caller_but_staff()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_before jsonb  := tests.fx_state();
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.token_create(member_id => %s)', v_member),
                          '42501', null, 'a member cannot create a token, not even its own');
    perform tests.fx_as_anonymous();
    return next throws_ok('select api.token_create(staff => true)',
                          '42501', null, 'a request without a token cannot create one');
    return next is(tests.fx_state(), v_before, 'the refused calls stored no token');
end
$$;

create or replace function tests.test_token_create__is_for_a_member_or_for_staff_not_both()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.token_create(member_id => %s, staff => true)', v_member),
                          'DU071', 'a token is either for a member (member_id) or for staff (staff => true)',
                          'a token cannot be both a member''s and staff''s');
    return next throws_ok('select api.token_create()',
                          'DU071', null,
                          'a token must be for someone');
    return next is(tests.fx_state(), v_before, 'the refused calls stored no token');
end
$$;

create or replace function tests.test_token_create__refuses_a_null_staff_flag()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next throws_ok('select api.token_create(staff => null)',
                          'DU071', null,
                          'staff => null is neither a member''s token nor staff''s');
    return next throws_ok(format('select api.token_create(member_id => %s, staff => null)', v_member),
                          'DU071', null,
                          'a member''s token with staff => null is refused as a bad request, not a null column');
end
$$;

create or replace function tests.test_token_create__refuses_an_expiry_not_in_the_future()
returns setof text
language plpgsql
as $$
declare
    v_member bigint      := tests.fx_member();
    v_past   timestamptz := now() - interval '1 day';
    v_before jsonb       := tests.fx_state();
begin
    return next throws_ok(format('select api.token_create(member_id => %s, expires_at => %L)', v_member, v_past),
                          'DU071', null,
                          'a token cannot be created already expired');
    return next throws_ok(format('select api.token_create(member_id => %s, expires_at => %L)', v_member, now()),
                          'DU071', null,
                          'a token cannot expire the instant it is created');
    return next is(tests.fx_state(), v_before, 'the refused calls stored no token');
end
$$;

create or replace function tests.test_token_create__refuses_an_unknown_member()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok('select api.token_create(member_id => -1)', 'DU001', null,
                          'a token cannot be made for a member that does not exist');
    return next is(tests.fx_state(), v_before, 'the refused call stored no token');
end
$$;

create or replace function tests.test_token_create__returns_the_token_once_and_stores_its_hash()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint      := tests.fx_member();
    v_expires timestamptz := now() + interval '30 days';
    v_created record;
    v_stored  dues.api_token;
begin
    perform tests.fx_as_staff();
    perform set_config('dues.actor', 'treasurer', true);
    select * into v_created from api.token_create(member_id => v_member, expires_at => v_expires, label => 'front desk');
    select * into v_stored from dues.api_token where id = v_created.token_id;
    return next matches(v_created.token, '^dues_[0-9a-f]{64}$', 'the token is dues_ and 64 hexadecimal digits');
    return next is(v_stored.token_hash, tests.fx_token_hash(v_created.token), 'the hex SHA-256 of the token is stored');
    return next is((select count(*) from dues.api_token t where strpos(t::text, substr(v_created.token, 6)) > 0), 0::bigint,
                   'the token itself is stored nowhere');
    return next is((v_created.token_member_id, v_created.token_staff, v_created.token_expires_at),
                   (v_member, false, v_expires), 'the answer says whose token it is and when it expires');
    return next is((v_stored.member_id, v_stored.staff, v_stored.expires_at, v_stored.label, v_stored.created_by),
                   (v_member, false, v_expires, 'front desk'::text, 'treasurer'::text),
                   'the stored token is the member''s, with its expiry, label and who created it');
end
$$;

create or replace function tests.test_token_create__makes_a_new_token_each_time()
returns setof text
language plpgsql
as $$
declare
    v_first  text := (api.token_create(staff => true)).token;
    v_second text := (api.token_create(staff => true)).token;
begin
    return next isnt(v_second, v_first, 'two calls make two different tokens');
end
$$;

create or replace function tests.test_token_create__makes_tokens_that_authenticate()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_token  text   := (api.token_create(member_id => v_member)).token;
    v_staff  record;
begin
    select * into v_staff from api.token_create(staff => true);
    return next is(tests.fx_caller_after(format('select dues.authenticate(%L)', tests.fx_token_hash(v_token))) ->> 'member_id',
                   v_member::text, 'a member''s new token authenticates as the member');
    return next is(tests.fx_caller_after(format('select dues.authenticate(%L)', tests.fx_token_hash(v_staff.token))),
                   jsonb_build_object('role', 'dues_staff', 'current_user', 'dues_staff', 'member_id', '',
                                      'staff', 'true', 'actor', 'staff token ' || v_staff.token_id),
                   'a new staff token authenticates as staff');
end
$$;
