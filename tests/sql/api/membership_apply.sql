-- Tests of api.membership_apply: an application is confirmed by the code mailed to its address; signin_complete then
-- creates the member, waiting for its first payment.

create or replace function tests.test_membership_apply__the_confirmed_address_becomes_a_pending_member()
returns setof text
language plpgsql
as $$
declare
    v_address text := tests.fx_address();
    v_members bigint := (select count(*) from dues.member);
    v_msg     dues.outbox;
    v_answer  jsonb;
    v_member  bigint;
begin
    perform tests.fx_as_anonymous();
    return next is(api.membership_apply('Ada Lovelace', v_address), '{"sent": true}'::jsonb, 'the answer says a code was sent');
    select * into v_msg from tests.fx_outbox('application_code', v_address);
    return next is((v_msg.data ->> 'name', v_msg.data ->> 'code' ~ '^[0-9]{6}$'), ('Ada Lovelace'::text, true),
                   'a 6-digit code is mailed to the address');
    return next ok((select dues.template_fill(t.body_text, v_msg.data) like '%' || (v_msg.data ->> 'code') || '%'
                       and dues.template_fill(t.body_text, v_msg.data) like '%/signin?email=%'
                      from dues.message_template t where t.name = 'application_code'),
                   'the mail shows the code and the link');
    return next is((select count(*) from dues.member), v_members, 'nothing is created before the address is confirmed');
    return next is(api.membership_apply('Ada Lovelace', v_address), '{"sent": true}'::jsonb, 'applying again: the same answer');
    return next is((select count(*) from dues.member), v_members, 'and still nothing created');
    v_answer := api.signin_complete(v_address, tests.fx_signin_code(v_address));
    v_member := (v_answer ->> 'member_id')::bigint;
    return next is((select (kind, name, email) from dues.member where id = v_member), ('person'::text, 'Ada Lovelace'::text, v_address),
                   'the code creates the member');
    return next is(v_answer ->> 'role', 'member', 'and signs it in');
    return next ok(tests.fx_in_group(v_member, 'pending_payments'), 'it waits in group pending_payments');
    return next is((select status from dues.membership where member_id = v_member), 'pending', 'its membership status is pending');
    perform api.membership_apply('Ada Lovelace', upper(v_address));
    return next is((select count(*) from dues.member), v_members + 1, 'a third application creates nothing');
    return next is((select count(*)::int from tests.fx_outbox('signin_code', v_address)), 1, 'the member is sent a sign-in code instead');
    return next is((api.signin_complete(v_address, tests.fx_signin_code(v_address)) ->> 'member_id')::bigint, v_member,
                   'which signs the same member in');
end
$$;

create or replace function tests.test_membership_apply__an_organization_applies()
returns setof text
language plpgsql
as $$
declare
    v_address text := tests.fx_address();
    v_member  bigint;
begin
    perform tests.fx_as_anonymous();
    perform api.membership_apply('Co-op', v_address, 'organization');
    v_member := (api.signin_complete(v_address, tests.fx_signin_code(v_address)) ->> 'member_id')::bigint;
    return next is((select kind from dues.member where id = v_member), 'organization', 'of the kind it applied as');
end
$$;

create or replace function tests.test_membership_apply__refuses_bad_applications()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    perform tests.fx_as_anonymous();
    return next throws_ok('select api.membership_apply(null, ''a@example.org'')', 'DU014', null, 'no name');
    return next throws_ok('select api.membership_apply(''Ada'', null)', 'DU014', null, 'no address');
    return next throws_ok('select api.membership_apply(''Ada'', ''a@example.org'', null)', 'DU014', null, 'no kind');
    return next throws_ok('select api.membership_apply(''  '', ''a@example.org'')', 'DU017', null, 'a blank name');
    return next throws_ok('select api.membership_apply(''Ada'', ''a@example.org'', ''robot'')', 'DU019', null, 'an unknown kind');
    return next throws_ok('select api.membership_apply(''Ada'', ''nowhere'')', 'DU018', null, 'not an address');
    return next throws_ok(format('select api.membership_apply(%L, ''a@example.org'')', repeat('n', 201)), 'DU016', null, 'a name too long');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    return next ok(has_function_privilege('dues_anonymous', 'api.membership_apply(text, text, text)', 'execute'), 'anyone may apply');
end
$$;
