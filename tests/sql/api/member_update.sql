-- Tests of api.member_update: staff change a member's name, e-mail and kind, a member its own name and e-mail; every
-- change is audited, and a member's own new e-mail never takes a payment notification that arrived before.

create or replace function tests.test_member_update__staff_change_name_e_mail_and_kind_with_why()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member('Ada');
    v_email  text := 'new' || v_member || '@example.org';
    v_row    dues.member;
begin
    v_row := api.member_update(v_member, name => '  Ada King  ', email => upper(v_email), why => 'married');
    return next is((v_row.name, v_row.email), ('Ada King'::text, upper(v_email)), 'the name (trimmed) and e-mail change');
    return next is((select (old ->> 'name', new ->> 'name', why) from dues.audit_log where table_name = 'member' and row_id = v_member),
                   ('Ada'::text, 'Ada King'::text, 'married'::text), 'in the audit log, with why');
    v_row := api.member_update(v_member, kind => 'organization');
    return next is((v_row.kind, v_row.name, v_row.email), ('organization'::text, 'Ada King'::text, upper(v_email)),
                   'staff change the kind; what is left out keeps its value');
    return next is(api.member_update(v_member), v_row, 'nothing given, nothing changes');
    return next is((select count(*)::int from dues.audit_log where table_name = 'member' and row_id = v_member), 2,
                   'and nothing more is recorded');
    v_row := api.member_update(v_member, email => lower(v_email));
    return next is(v_row.email, lower(v_email), 'the case of an address may change');
end
$$;

create or replace function tests.test_member_update__a_member_changes_its_own_name_and_e_mail()
returns setof text
language plpgsql
as $$
declare
    v_ann  bigint := tests.fx_member('Ann');
    v_bob  bigint := tests.fx_member('Bob');
    v_org  bigint := tests.fx_member('Org', 'organization');
    v_user bigint := tests.fx_member('User');
    v_before jsonb;
begin
    perform tests.fx_organization_role(v_ann, v_org, 'manager');
    perform tests.fx_organization_role(v_user, v_org, 'contributor');
    perform tests.fx_as_member(v_ann);
    return next is((api.member_update(v_ann, name => 'Ann B', email => 'annb' || v_ann || '@example.org')).name, 'Ann B',
                   'a member changes its own name and e-mail');
    return next is((api.member_update(v_org, name => 'Org Ltd')).name, 'Org Ltd', 'a manager those of its organization');
    return next is((select actor from dues.audit_log where table_name = 'member' and row_id = v_ann), 'member ' || v_ann,
                   'recorded as the member''s doing');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.member_update(%s, kind => %L)', v_ann, 'organization'), '42501', null,
                          'not its kind');
    return next lives_ok(format('select api.member_update(%s, kind => %L)', v_ann, 'person'), 'the kind it has may be given');
    return next throws_ok(format('select api.member_update(%s, name => %L)', v_bob, 'Mallory'), '42501', null,
                          'not another member''s name');
    return next is(tests.fx_error(format('select api.member_update(%s, name => %L)', v_bob, 'Mallory')),
                   tests.fx_error(format('select api.member_update(%s, name => %L)', v_bob + 1000000, 'Mallory')),
                   'refused as a member that does not exist is');
    perform tests.fx_as_member(v_user);
    return next throws_ok(format('select api.member_update(%s, name => %L)', v_org, 'Mine'), '42501', null,
                          'a contributor may not change its organization');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.member_update(%s, name => %L)', v_ann, 'Anon'), '42501', null,
                          'nor may a caller without a token');
    return next is(tests.fx_state(), v_before, 'and the refusals changed nothing');
end
$$;

create or replace function tests.test_member_update__refuses_bad_names_addresses_and_kinds()
returns setof text
language plpgsql
as $$
declare
    v_ann    bigint := tests.fx_member();
    v_bob    bigint := tests.fx_member();
    v_before jsonb;
begin
    update dues.member set paypal_email = 'bobpays' || v_bob || '@example.org' where id = v_bob;
    v_before := tests.fx_state();
    return next throws_ok(format('select api.member_update(%s, name => %L)', v_ann, '  '), 'DU017', null, 'a blank name');
    return next throws_ok(format('select api.member_update(%s, email => %L)', v_ann, 'ann at example'), 'DU018', null,
                          'an address that is not one');
    return next throws_ok(format('select api.member_update(%s, email => %L)', v_ann, upper(tests.fx_email(v_bob))), 'DU015', null,
                          'another member''s e-mail, in any case');
    return next throws_ok(format('select api.member_update(%s, email => %L)', v_ann, 'bobpays' || v_bob || '@example.org'), 'DU015',
                          null, 'another member''s PayPal e-mail (it would take that member''s payments)');
    return next throws_ok(format('select api.member_update(%s, kind => %L)', v_ann, 'robot'), 'DU019', null, 'an unknown kind');
    return next throws_ok(format('select api.member_update(%s, name => %L)', v_ann, repeat('n', 201)), 'DU016', null,
                          'a name over its limit');
    return next throws_ok('select api.member_update(null, name => ''X'')', 'DU014', null, 'member_id is required');
    return next throws_ok('select api.member_update(987654321, name => ''X'')', 'DU001', null, 'an unknown member');
    return next is(tests.fx_state(), v_before, 'and nothing changed');
end
$$;

create or replace function tests.test_member_update__a_kind_follows_the_members_roles()
returns setof text
language plpgsql
as $$
declare
    v_person   bigint := tests.fx_member('Person');
    v_org      bigint := tests.fx_member('Org', 'organization');
    v_provider bigint := tests.fx_provider();
    v_free     bigint := tests.fx_member('Free', 'organization');
begin
    perform tests.fx_organization_role(v_person, v_org, 'contributor');
    return next throws_ok(format('select api.member_update(%s, kind => %L)', v_person, 'organization'), 'DU309',
                          format('member %s holds roles: a person with roles cannot become an organization', v_person),
                          'a person holding roles stays a person');
    return next throws_ok(format('select api.member_update(%s, kind => %L)', v_org, 'person'), 'DU309', null,
                          'an organization on which persons hold roles stays one');
    return next throws_ok(format('select api.member_update(%s, kind => %L)', v_provider, 'person'), 'DU309', null,
                          'a provider stays an organization');
    return next is((api.member_update(v_free, kind => 'person')).kind, 'person', 'an organization without any becomes a person');
end
$$;

create or replace function tests.test_member_update__own_e_mail_takes_no_earlier_payment()
returns setof text
language plpgsql
as $$
declare
    v_staffs  bigint := tests.fx_member();
    v_own     bigint := tests.fx_member();
    v_payer1  text := 'payer' || v_staffs || '@example.org';
    v_payer2  text := 'payer' || v_own || '@example.org';
    v_first   bigint := tests.fx_ipn(tests.fx_ipn_body('web_accept', v_payer1, tests.fx_txn()));
    v_second  bigint := tests.fx_ipn(tests.fx_ipn_body('web_accept', v_payer2, tests.fx_txn()));
    v_later   bigint;
begin
    return next is((tests.fx_ipn_state(v_first), tests.fx_ipn_state(v_second)), ('unmatched'::text, 'unmatched'::text),
                   'payments from addresses no member has wait');
    perform api.member_update(v_staffs, email => v_payer1);
    return next is(tests.fx_ipn_state(v_first), 'processed', 'staff vouch for an address: its waiting payment is matched at once');
    return next is(tests.fx_member_balance(v_staffs), 25::numeric, 'and credited');
    -- the message arrived a minute before the member made the address its own
    update dues.ipn_message set received_at = received_at - interval '1 minute' where id = v_second;
    perform tests.fx_as_member(v_own);
    perform api.member_update(v_own, email => v_payer2, why => 'my new address');
    return next is(tests.fx_ipn_state(v_second), 'held', 'a member''s own new address does not take a payment that came before');
    return next is(tests.fx_member_balance(v_own), 0::numeric, 'no money moved');
    return next matches((select note from dues.ipn_message where id = v_second), 'after this message arrived', 'it says why');
    v_later := tests.fx_ipn(tests.fx_ipn_body('web_accept', v_payer2, tests.fx_txn()));
    return next is(tests.fx_ipn_state(v_later), 'processed', 'a payment that comes after the change is matched');
    perform tests.fx_as_staff();
    return next is((api.ipn_reprocess(v_second, v_own)).state, 'processed', 'staff decide the held one');
    perform api.member_update(v_own, email => v_payer2 || '.org', why => 'staff checked it');
    return next is((select email_changed_by_member_at from dues.member where id = v_own), null, 'staff''s change is vouched for');
end
$$;
