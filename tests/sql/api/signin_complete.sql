-- Tests of api.signin_complete (and dues.signin_failed, which counts a wrong code's try): the code mailed by
-- signin_request or membership_apply answers a session; every refusal is one answer.

create or replace function tests.test_signin_complete__a_member_signs_in_to_a_member_session()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member('Ann');
    v_email  text := tests.fx_email(v_member);
    v_answer jsonb;
    v_token  dues.api_token;
begin
    perform tests.fx_as_anonymous();
    perform api.signin_request(v_email);
    v_answer := api.signin_complete(upper(v_email), ' ' || substr(tests.fx_signin_code(v_email), 1, 3) || '-'
                                                    || substr(tests.fx_signin_code(v_email), 4) || ' ');
    return next is((v_answer ->> 'member_id')::bigint, v_member, 'the code signs the member in (case, spaces and dashes do not matter)');
    return next is(v_answer ->> 'role', 'member', 'to a member session');
    return next is((v_answer ->> 'expires_at')::timestamptz, now() + interval '30 days', 'for signin_session_days (30)');
    select * into v_token from dues.api_token where token_hash = tests.fx_token_hash(v_answer ->> 'token');
    return next is((v_token.member_id, v_token.staff, v_token.label, v_token.expires_at),
                   (v_member, false, 'session'::text, now() + interval '30 days'), 'a member token that expires');
    return next is((select (role, member_id) from dues.token_identity(v_token.token_hash)), ('dues_member'::text, v_member),
                   'it acts for the member');
    perform tests.fx_as_staff();
    return next is((select count(*)::int from api.token_list(v_member) where label = 'session'), 1, 'token_list lists it');
    return next is((select token_id from dues.signin_code where lower(email) = v_email), v_token.id, 'the code is used');
end
$$;

create or replace function tests.test_signin_complete__a_member_of_group_staff_gets_a_staff_session()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member('Treasurer');
    v_email  text := tests.fx_email(v_member);
    v_answer jsonb;
begin
    perform api.group_add(v_member, tests.fx_group_id('staff'));
    perform tests.fx_as_anonymous();
    perform api.signin_request(v_email);
    v_answer := api.signin_complete(v_email, tests.fx_signin_code(v_email));
    return next is((v_answer ->> 'member_id')::bigint, v_member, 'the member signs in');
    return next is(v_answer ->> 'role', 'staff', 'to a staff session');
    return next is((select (role, member_id, actor) from dues.token_identity(tests.fx_token_hash(v_answer ->> 'token'))),
                   ('dues_staff'::text, null::bigint, 'staff member ' || v_member), 'which acts as staff, naming the member');
end
$$;

create or replace function tests.test_signin_complete__five_wrong_tries_void_the_code()
returns setof text
language plpgsql
as $$
declare
    v_email text := tests.fx_email(tests.fx_member());
    v_code  text;
    v_wrong text;
begin
    perform tests.fx_as_anonymous();
    perform api.signin_request(v_email);
    v_code := tests.fx_signin_code(v_email);
    v_wrong := lpad(((v_code::int + 1) % 1000000)::text, 6, '0');
    return next throws_ok(format('select api.signin_complete(%L, %L)', v_email, v_wrong), 'DU400',
                          'this e-mail address and code do not sign in', 'a wrong code is refused');
    return next is((select attempts from dues.signin_code where lower(email) = v_email), 0,
                   'its transaction is rolled back with the refusal');
    return next is((select on_failure from dues.error_code where sqlstate = 'DU400'), 'dues.signin_failed',
                   'so the shell calls dues.signin_failed after it');
    for i in 1 .. 5 loop
        perform dues.signin_failed(v_email, v_wrong);
    end loop;
    return next is((select attempts from dues.signin_code where lower(email) = v_email), 5, 'which counts the tries');
    return next throws_ok(format('select api.signin_complete(%L, %L)', v_email, v_code), 'DU400', null,
                          'after five wrong tries the right code is refused');
end
$$;

create or replace function tests.test_signin_complete__every_refusal_is_one_answer()
returns setof text
language plpgsql
as $$
declare
    v_email   text := tests.fx_email(tests.fx_member());
    v_other   text := tests.fx_email(tests.fx_member());
    v_late    text := tests.fx_email(tests.fx_member());
    v_code    text;
    v_first   text;
    v_wrong   jsonb;
    v_before  jsonb;
begin
    perform tests.fx_as_anonymous();
    perform api.signin_request(v_email);
    v_code := tests.fx_signin_code(v_email);
    v_wrong := tests.fx_error(format('select api.signin_complete(%L, %L)', v_email, lpad(((v_code::int + 1) % 1000000)::text, 6, '0')));
    return next is(v_wrong ->> 'sqlstate', 'DU400', 'a wrong code');
    perform api.signin_complete(v_email, v_code);
    v_before := tests.fx_state();
    return next is(tests.fx_error(format('select api.signin_complete(%L, %L)', v_email, v_code)), v_wrong, 'a used code: the same');
    return next is(tests.fx_error(format('select api.signin_complete(%L, %L)', tests.fx_address(), v_code)), v_wrong,
                   'an address no member has: the same');
    return next is(tests.fx_error(format('select api.signin_complete(%L, %L)', v_other, v_code)), v_wrong,
                   'an address that asked for no code: the same');
    perform api.signin_request(v_late);
    update dues.signin_code set expires_at = now() - interval '1 second' where lower(email) = v_late;
    return next is(tests.fx_error(format('select api.signin_complete(%L, %L)', v_late, tests.fx_signin_code(v_late))), v_wrong,
                   'an expired code: the same');
    perform api.signin_request(v_other);
    v_first := tests.fx_signin_code(v_other);
    perform api.signin_request(v_other);
    if v_first <> tests.fx_signin_code(v_other) then
        return next is(tests.fx_error(format('select api.signin_complete(%L, %L)', v_other, v_first)), v_wrong,
                       'a code an address asked for again since: the same');
    else
        return next pass('the two codes happen to be the same: nothing to tell apart');
    end if;
    perform api.signin_request(tests.fx_address());
    return next is(tests.fx_error(format('select api.signin_complete(%L, %L)', tests.fx_address(), '000000')), v_wrong,
                   'any code for an unknown address: the same');
    return next throws_ok('select api.signin_complete(null, ''1'')', 'DU014', null, 'no address');
    return next throws_ok(format('select api.signin_complete(%L, null)', v_email), 'DU014', null, 'no code');
    return next ok(has_function_privilege('dues_anonymous', 'api.signin_complete(text, text)', 'execute'), 'anyone may sign in');
end
$$;

create or replace function tests.test_signin_complete__a_client_that_sent_too_many_wrong_codes_waits()
returns setof text
language plpgsql
as $$
declare
    v_email text := tests.fx_email(tests.fx_member());
    v_code  text;
begin
    perform tests.fx_as_anonymous();
    update dues.setting set value = '3' where name = 'signin_failures_per_client';
    perform api.signin_request(v_email);
    v_code := tests.fx_signin_code(v_email);
    perform set_config('dues.client_address', '198.51.100.9', true);
    for i in 1 .. 3 loop
        perform dues.signin_failed(tests.fx_address(), '123456');
    end loop;
    return next is((select count(*)::int from dues.signin_failure where client_address = '198.51.100.9'), 3,
                   'each refused code is counted against its client address, whatever the address it tried');
    return next throws_ok(format('select api.signin_complete(%L, %L)', v_email, v_code), 'DU401', null,
                          'past signin_failures_per_client in an hour, the client is refused even with the right code');
    return next is(tests.fx_error(format('select api.signin_complete(%L, %L)', v_email, v_code)) ->> 'detail',
                   'retry after 3600 s', 'and told when to retry');
    perform set_config('dues.client_address', '198.51.100.10', true);
    return next is((api.signin_complete(v_email, v_code) ->> 'role'), 'member', 'another client signs in');
end
$$;
