-- Tests of api.signin_request: a code is mailed to a member's address, the answer tells nothing about the address, and
-- requests are limited per address and per client address.

create or replace function tests.test_signin_request__mails_a_code_and_a_link_to_a_member()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member('Ann');
    v_email  text := tests.fx_email(v_member);
    v_msg    dues.outbox;
    v_code   text;
begin
    perform tests.fx_as_anonymous();
    return next is(api.signin_request(' ' || upper(v_email) || ' '), '{"sent": true}'::jsonb, 'the answer says a code was sent');
    select * into v_msg from tests.fx_outbox('signin_code', v_email);
    v_code := v_msg.data ->> 'code';
    return next matches(v_code, '^[0-9]{6}$', 'the message carries a 6-digit code');
    return next is((v_msg.data ->> 'name', v_msg.data ->> 'minutes'), ('Ann'::text, '15'::text), 'with the member''s name and how long it is valid');
    return next is(v_msg.data ->> 'link',
                   rtrim(dues.setting_text('site_url'), '/') || '/signin?email=' || dues.url_encode(upper(v_email)) || '&code=' || v_code,
                   'and a link that signs in');
    return next ok((select dues.template_fill(t.subject, v_msg.data) like '%' || v_code || '%'
                       and dues.template_fill(t.body_text, v_msg.data) like '%' || (v_msg.data ->> 'link') || '%'
                      from dues.message_template t where t.name = 'signin_code'),
                   'the mail shows the code and the link');
    return next is((select (member_id, purpose, attempts) from dues.signin_code where lower(email) = v_email),
                   (v_member, 'signin'::text, 0), 'the request is recorded for the member');
    return next ok(not exists (select from dues.signin_code where lower(email) = v_email and code_hash ~ v_code),
                   'the code itself is not kept');
    return next is((select code_hash from dues.signin_code where lower(email) = v_email), dues.signin_code_hash(v_email, v_code),
                   'only its hash');
end
$$;

create or replace function tests.test_signin_request__goes_to_the_billing_contact()
returns setof text
language plpgsql
as $$
declare
    v_org bigint := tests.fx_member('Org', 'organization');
begin
    perform api.contact_add(v_org, 'billing', 'Books', 'books' || v_org || '@example.org');
    perform api.signin_request(tests.fx_email(v_org));
    return next is((select count(*)::int from tests.fx_outbox('signin_code', 'books' || v_org || '@example.org')), 1,
                   'a member''s code goes to its billing e-mail');
end
$$;

create or replace function tests.test_signin_request__an_unknown_address_gets_the_same_answer()
returns setof text
language plpgsql
as $$
declare
    v_address text := tests.fx_address();
    v_outbox  bigint := (select count(*) from dues.outbox);
begin
    perform tests.fx_as_anonymous();
    return next is(api.signin_request(v_address), '{"sent": true}'::jsonb, 'the same answer for an address no member has');
    return next is((select count(*) from dues.outbox), v_outbox, 'nothing is sent');
    return next is((select (member_id, purpose) from dues.signin_code where email = v_address), (null::bigint, 'signin'::text),
                   'the request is recorded all the same (and counts towards the limits)');
end
$$;

create or replace function tests.test_signin_request__refuses_what_is_no_address()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    perform tests.fx_as_anonymous();
    return next throws_ok('select api.signin_request(null)', 'DU014', null, 'no address');
    return next throws_ok('select api.signin_request(''ann at example'')', 'DU018', null, 'not an address');
    return next throws_ok(format('select api.signin_request(%L)', repeat('a', 1001) || '@example.org'), 'DU016', null, 'too long');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    return next ok(has_function_privilege('dues_anonymous', 'api.signin_request(text)', 'execute'), 'anyone may ask');
end
$$;

create or replace function tests.test_signin_request__limits_requests_per_address()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_email  text := tests.fx_email(v_member);
    v_error  jsonb;
begin
    perform tests.fx_as_anonymous();
    for i in 1 .. 5 loop
        perform api.signin_request(v_email);
    end loop;
    return next throws_ok(format('select api.signin_request(%L)', v_email), 'DU401', 'too many codes asked for: try again later',
                          'the sixth request of an address within an hour is refused');
    v_error := tests.fx_error(format('select api.signin_request(%L)', v_email));
    return next is(v_error ->> 'detail', 'retry after 3600 s', 'its detail says when to retry (the shell''s Retry-After)');
    return next is((select count(*)::int from tests.fx_outbox('signin_code', v_email)), 5, 'five codes were sent');
    perform api.signin_request(tests.fx_address());
    for i in 1 .. 5 loop
        perform api.membership_apply('Stranger', 'stranger' || v_member || '@example.org');
    end loop;
    return next throws_ok(format('select api.signin_request(%L)', 'stranger' || v_member || '@example.org'), 'DU401', null,
                          'applications count too, whether or not the address is a member''s');
end
$$;

create or replace function tests.test_signin_request__limits_requests_per_client_address()
returns setof text
language plpgsql
as $$
begin
    perform tests.fx_as_anonymous();
    update dues.setting set value = '3' where name = 'signin_requests_per_client';
    perform set_config('dues.client_address', '192.0.2.7', true);
    for i in 1 .. 3 loop
        perform api.signin_request(tests.fx_address());
    end loop;
    return next throws_ok(format('select api.signin_request(%L)', tests.fx_address()), 'DU401', null,
                          'past signin_requests_per_client in an hour, a client is refused whatever the address');
    perform set_config('dues.client_address', '192.0.2.8', true);
    return next lives_ok(format('select api.signin_request(%L)', tests.fx_address()), 'another client is not');
    perform set_config('dues.client_address', '', true);
    return next lives_ok(format('select api.signin_request(%L)', tests.fx_address()), 'nor a call without a client address (psql, dues call)');
end
$$;
